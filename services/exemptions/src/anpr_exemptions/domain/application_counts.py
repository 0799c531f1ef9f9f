"""How many applications the counter received, per local day and kind: what planners project from (the
pilot forecast's expected exemption requests). Counts only, never who applied or for which vehicle."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from anpr_exemptions.domain.errors import InvalidExemption

MAX_DAYS = 366  # a year of days times five kinds: the answer stays small


@dataclass(frozen=True)
class DayCount:
    day: date  # the local (Amsterdam) day the application was submitted
    kind: str
    submitted: int


@dataclass(frozen=True)
class ApplicationCounts:
    since: datetime
    until: datetime
    days: Sequence[DayCount]

    @property
    def total(self) -> int:
        return sum(d.submitted for d in self.days)

    def per_kind(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for d in self.days:
            found[d.kind] = found.get(d.kind, 0) + d.submitted
        return found


def counted_period(since: datetime, until: datetime) -> tuple[datetime, datetime]:
    if until <= since:
        raise InvalidExemption("until: must be after since")
    if (until - since).days > MAX_DAYS:
        raise InvalidExemption(f"until: at most {MAX_DAYS} days after since")
    return since, until
