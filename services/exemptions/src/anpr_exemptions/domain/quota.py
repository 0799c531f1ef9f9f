"""ZE day permits: at most N per vehicle per municipality per calendar year.

A revoked day permit gives its place back: revoking is how an operator corrects a permit issued for the
wrong vehicle or day, and the holder should not lose one of their N for that. Revocations are audited,
so "use it, then have it revoked" stays visible to a supervisor.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from anpr_exemptions.domain.errors import DayTaken, QuotaExceeded
from anpr_exemptions.domain.model import Exemption


def ensure_day_permit_allowed(
    plate: str, day: date, municipality: str, same_year: Sequence[Exemption], per_year: int
) -> None:
    """`same_year`: the vehicle's other day permits in `municipality` in the year of `day`, revoked ones too."""
    counted = _counted(same_year)
    if any(e.day == day for e in counted):
        taken = day.isoformat()
        raise DayTaken(f"vehicle {plate} already has a day permit for {taken}", plate=plate, day=taken)
    if len(counted) >= per_year:
        raise QuotaExceeded(
            f"day permit refused: vehicle {plate} already has {len(counted)} of the {per_year} day permits "
            f"allowed in {municipality} for {day.year} (revoked permits do not count)",
            plate=plate,
            used=len(counted),
            limit=per_year,
            year=day.year,
        )


@dataclass(frozen=True)
class QuotaUse:
    """How much of a vehicle's yearly day-permit quota in one municipality is used."""

    plate: str
    year: int
    municipality: str
    used: int
    limit: int

    @property
    def left(self) -> int:
        # Never negative: lowering the limit mid-year leaves permits already issued in place.
        return max(0, self.limit - self.used)


def quota_use(plate: str, year: int, municipality: str, same_year: Sequence[Exemption], per_year: int) -> QuotaUse:
    """`same_year` as for `ensure_day_permit_allowed`: revoked ones are passed and not counted."""
    return QuotaUse(plate, year, municipality, len(_counted(same_year)), per_year)


def _counted(same_year: Sequence[Exemption]) -> list[Exemption]:
    return [e for e in same_year if not e.revoked]
