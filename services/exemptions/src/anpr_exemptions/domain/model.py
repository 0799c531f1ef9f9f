from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


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
    valid_until: datetime | None
    reference: str
    issuer: str
    revoked: bool = False

    def covers(self, regime_id: str, moment: datetime) -> bool:
        if self.revoked or moment < self.valid_from:
            return False
        if self.valid_until is not None and moment >= self.valid_until:
            return False
        return not self.regimes or regime_id in self.regimes
