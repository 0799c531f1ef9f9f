from dataclasses import dataclass
from datetime import datetime, time

from anpr_contracts import ExemptionChanged
from anpr_rules.domain.windows import AMSTERDAM


@dataclass(frozen=True, slots=True)
class Permit:
    """What rules knows of a permit: no plate, only the keyed hash it is indexed by."""

    exemption_id: str
    kind: str
    regimes: tuple[str, ...]
    zones: tuple[str, ...]
    valid_from: datetime
    valid_until: datetime | None
    daily_from: time | None
    daily_until: time | None

    @classmethod
    def of(cls, change: ExemptionChanged) -> "Permit":
        return cls(
            change.exemption_id,
            change.kind,
            change.regimes,
            change.zones,
            change.valid_from,
            change.valid_until,
            change.daily_from,
            change.daily_until,
        )

    def covers(self, regime_id: str, zone_id: str | None, moment: datetime) -> bool:
        if moment < self.valid_from or (self.valid_until is not None and moment >= self.valid_until):
            return False
        if self.regimes and regime_id not in self.regimes:
            return False
        if self.zones and zone_id not in self.zones:
            return False
        if self.daily_from is None or self.daily_until is None:
            return True
        clock = moment.astimezone(AMSTERDAM).time().replace(tzinfo=None)
        if self.daily_from < self.daily_until:
            return self.daily_from <= clock < self.daily_until
        return clock >= self.daily_from or clock < self.daily_until
