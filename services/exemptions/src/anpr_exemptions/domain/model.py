from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from anpr_exemptions.domain.local_time import in_daily_window


class ExemptionKind(StrEnum):
    RESIDENT = "resident"
    BUSINESS = "business"
    WORKS = "works"
    MARKET = "market"
    DISABLED = "disabled"
    DAY_PERMIT = "day-permit"
    NATIONAL = "national"


@dataclass(frozen=True)
class Exemption:
    exemption_id: str
    plate: str
    kind: ExemptionKind
    regimes: tuple[str, ...]  # empty: every regime
    valid_from: datetime
    valid_until: datetime | None  # exclusive; None: open-ended
    reference: str
    issuer: str
    revoked: bool = False
    zones: tuple[str, ...] = ()  # empty: every zone
    daily_from: time | None = None  # local (Amsterdam) wall-clock window; both or neither
    daily_until: time | None = None
    day: date | None = None  # day permits only: the calendar day it was issued for
    municipality: str | None = None  # day permits only: whose yearly quota it uses

    def active_at(self, moment: datetime) -> bool:
        if self.revoked or moment < self.valid_from:
            return False
        if self.valid_until is not None and moment >= self.valid_until:
            return False
        if self.daily_from is not None and self.daily_until is not None:
            return in_daily_window(moment, self.daily_from, self.daily_until)
        return True

    def covers(self, regime_id: str, moment: datetime, zone: str | None = None) -> bool:
        """A permit limited to zones covers only a moment known to be in one of them: the same answer rules
        gives for a read without a zone, so /v1/check and enforcement never disagree."""
        if not self.active_at(moment):
            return False
        if self.regimes and regime_id not in self.regimes:
            return False
        return not self.zones or zone in self.zones
