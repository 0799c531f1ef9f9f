"""What the rules handlers depend on: the lookups, the state store and the publisher, as protocols, and
`Judging`, the one object that carries them so a handler's signature stays short; and the reviewer's
vehicle descriptions (`describe`), which judging never uses."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

from anpr_contracts import PlateRecognized
from anpr_rules.domain.exemption import Permit
from anpr_rules.domain.regime import Regime
from anpr_rules.domain.vehicle import Vehicle, VehicleDescription
from anpr_runtime.ports import Publisher


class VehicleLookup(Protocol):
    def get(self, plate: str) -> Vehicle | None: ...


class VehicleDescriptions(Protocol):
    """The registry's make, model and colour by plate (normalised); None: not registered."""

    async def describe(self, plate: str) -> VehicleDescription | None: ...


class PermitLookup(Protocol):
    def permits_of(self, plate_key: str) -> Sequence[Permit]: ...


class RulesState(Protocol):
    async def count(self, regime_id: str, location_id: str, hour: datetime, outcome: str) -> None: ...
    async def mark_candidate(self, vehicle_key: str, regime_id: str, period: str, now: datetime) -> bool: ...
    async def record_entry(self, vehicle_key: str, regime_id: str, day: str, at: datetime) -> None: ...
    async def record_exit(self, vehicle_key: str, regime_id: str, at: datetime) -> tuple[timedelta, str]: ...
    async def schedule_recheck(self, read: PlateRecognized, regime_id: str, due: datetime) -> None: ...
    async def due_rechecks(self, now: datetime, limit: int) -> list[tuple[UUID, str, PlateRecognized]]: ...
    async def drop_recheck(self, recheck_id: UUID) -> None: ...
    async def purge(self, stays_before: datetime, marks_before: datetime) -> None: ...


@dataclass(frozen=True, slots=True)
class Judging:
    """Everything a read is judged with: built once per transaction (a consumed batch, a housekeeping
    tick), so the regimes are the same for every read in it. `key` is the pseudonym key."""

    regimes: Sequence[Regime]
    vehicles: VehicleLookup
    permits: PermitLookup
    state: RulesState
    publisher: Publisher
    key: str
