"""In-memory stand-ins for the rules ports and builders for the values the tests need.

`FakeRulesState` keeps what `PostgresRulesState` keeps (counts, candidate marks, stays, rechecks) with the
same semantics; vehicles come from a dict; permits use the real `InMemoryPermitIndex`."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from anpr_contracts import ExemptionChanged, PlateRecognized, ReadSource
from anpr_rules.adapters.permit_index import InMemoryPermitIndex
from anpr_rules.domain.regime import Regime
from anpr_rules.domain.vehicle import Vehicle
from anpr_runtime.pseudonym import vehicle_key

REGIME_DIR = Path(__file__).resolve().parents[4] / "deploy" / "regimes"
KEY = "unit-pseudonym-key"
CET = timezone(timedelta(hours=1))
CEST = timezone(timedelta(hours=2))


class FakeVehicles:
    """The vehicle registry as a dict (the `VehicleLookup` port); remembers which plates were asked for."""

    def __init__(self, vehicles: Iterable[Vehicle] = ()) -> None:
        self.vehicles = {v.plate: v for v in vehicles}
        self.looked_up: list[str] = []

    def get(self, plate: str) -> Vehicle | None:
        self.looked_up.append(plate)
        return self.vehicles.get(plate)


@dataclass
class _Stay:
    seconds: int
    entered_at: datetime | None
    updated_at: datetime


class FakeRulesState:
    """`RulesState` in memory, with the same upsert and ordering rules as the PostgreSQL adapter."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str, datetime, str]] = Counter()
        self.marks: dict[tuple[str, str, str], datetime] = {}
        self.stays: dict[tuple[str, str, str], _Stay] = {}
        self.rechecks: dict[UUID, tuple[str, datetime, PlateRecognized]] = {}

    async def count(self, regime_id: str, location_id: str, hour: datetime, outcome: str) -> None:
        self.counts[regime_id, location_id, hour, str(outcome)] += 1

    async def mark_candidate(self, vehicle_key: str, regime_id: str, period: str, now: datetime) -> bool:
        if (vehicle_key, regime_id, period) in self.marks:
            return False
        self.marks[vehicle_key, regime_id, period] = now
        return True

    async def record_entry(self, vehicle_key: str, regime_id: str, day: str, at: datetime) -> None:
        stay = self.stays.get((vehicle_key, regime_id, day))
        if stay is None:
            self.stays[vehicle_key, regime_id, day] = _Stay(0, at, at)
        else:
            stay.entered_at, stay.updated_at = at, at

    async def record_exit(self, vehicle_key: str, regime_id: str, at: datetime) -> tuple[timedelta, str]:
        open_stays = [
            (stay.entered_at, day, stay)
            for (key, regime, day), stay in self.stays.items()
            if key == vehicle_key and regime == regime_id and stay.entered_at is not None
        ]
        if not open_stays:
            return timedelta(0), ""
        entered_at, day, stay = max(open_stays, key=lambda item: item[0])
        if at > entered_at:
            stay.seconds += int((at - entered_at).total_seconds())
        stay.entered_at, stay.updated_at = None, at
        return timedelta(seconds=stay.seconds), day

    async def schedule_recheck(self, read: PlateRecognized, regime_id: str, due: datetime) -> None:
        self.rechecks[uuid4()] = (regime_id, due, read)

    async def due_rechecks(self, now: datetime, limit: int) -> list[tuple[UUID, str, PlateRecognized]]:
        due = sorted((item for item in self.rechecks.items() if item[1][1] <= now), key=lambda item: item[1][1])
        return [(recheck_id, regime_id, read) for recheck_id, (regime_id, _, read) in due[:limit]]

    async def drop_recheck(self, recheck_id: UUID) -> None:
        self.rechecks.pop(recheck_id, None)

    async def purge(self, stays_before: datetime, marks_before: datetime) -> None:
        self.stays = {k: v for k, v in self.stays.items() if v.updated_at >= stays_before}
        self.marks = {k: v for k, v in self.marks.items() if v >= marks_before}


_DIESEL_2003 = Vehicle(
    plate="63HKHD",
    kind="Personenauto",
    category="M1",
    first_admission=date(2003, 5, 14),
    max_mass_kg=1790,
    empty_mass_kg=1310,
    fuels=("Diesel",),
    registered_emission_class=3,
)


def a_vehicle(**overrides: Any) -> Vehicle:
    """A diesel car of 2003 (emission class 3 registered), below a green milieuzone."""
    return replace(_DIESEL_2003, **overrides)


def a_regime(**overrides: object) -> Regime:
    """A milieuzone for diesel M1/N1 below class 4 at loc-a and loc-b: observe, warn, enforce from 2026."""
    fields: dict[str, object] = {
        "id": "mz-test",
        "version": "7",
        "name": "Test milieuzone",
        "kind": "milieuzone",
        "legal_reference": "RVV 1990 art. 86t",
        "applies_at": {"locations": ["loc-a", "loc-b"]},
        "effective_from": "2025-01-01T00:00:00+01:00",
        "modes": [
            {"starts": "2025-01-01T00:00:00+01:00", "mode": "observe"},
            {"starts": "2025-07-01T00:00:00+02:00", "mode": "warn"},
            {"starts": "2026-01-01T00:00:00+01:00", "mode": "enforce"},
        ],
        "rule_sets": [
            {
                "starts": "2025-01-01T00:00:00+01:00",
                "scope": {"fuels_any": ["Diesel"], "categories": ["M1", "N1"]},
                "admitted": [{"min_emission_class": 4}],
            }
        ],
        "exemption_kinds": ["resident", "disabled"],
        "automatic_exemptions": ["age_40_years", "wheelchair"],
        "fine_eur": {"M1": 120, "N1": 150},
    }
    fields.update(overrides)
    return Regime.model_validate(fields)


def a_read(plate: str = "63HKHD", **overrides: Any) -> PlateRecognized:
    fields: dict[str, object] = {
        "source": ReadSource.CAMERA,
        "camera_id": "cam-1",
        "location_id": "loc-a",
        "observed_at": datetime(2026, 2, 3, 9, 37, 12, 345000, tzinfo=CET),
        "plate": plate,
        "country": "NL",
        "confidence": 0.96,
        "correlation_id": "corr-7",
    }
    fields.update(overrides)
    return PlateRecognized.model_validate(fields)


def a_permit(plate: str = "63HKHD", **overrides: Any) -> ExemptionChanged:
    """An open-ended resident permit for every regime and zone, valid from 2020."""
    fields: dict[str, object] = {
        "exemption_id": "ex-1",
        "plate_key": vehicle_key(plate, KEY),
        "kind": "resident",
        "regimes": (),
        "valid_from": datetime(2020, 1, 1, tzinfo=CET),
    }
    fields.update(overrides)
    return ExemptionChanged.model_validate(fields)


def permit_index(*changes: ExemptionChanged) -> InMemoryPermitIndex:
    index = InMemoryPermitIndex()
    for change in changes:
        index.apply(change)
    return index
