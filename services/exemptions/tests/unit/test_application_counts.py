"""Applications counted per day and kind for planners: counts only, the period bounded, the read logged
with its purpose and without any vehicle."""

from datetime import UTC, date, datetime, timedelta

import pytest

from anpr_exemptions.domain.application_counts import DayCount
from anpr_exemptions.domain.audit import Actor
from anpr_exemptions.domain.errors import InvalidExemption
from anpr_exemptions.handlers.application_counts import count_applications

from .fakes import FakeReadLog

NOW = datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
PLANNER = Actor("op-1", "Olga Operator")


class FakeApplicationCounter:
    def __init__(self, *counts: DayCount) -> None:
        self.counts = list(counts)
        self.asked: list[tuple[datetime, datetime]] = []

    async def per_day(self, since: datetime, until: datetime) -> list[DayCount]:
        self.asked.append((since, until))
        return self.counts


async def test_counts_per_day_and_kind_with_totals_and_a_logged_read() -> None:
    counter = FakeApplicationCounter(
        DayCount(date(2026, 5, 1), "day-permit", 3),
        DayCount(date(2026, 5, 1), "disabled", 1),
        DayCount(date(2026, 5, 2), "day-permit", 2),
    )
    log = FakeReadLog()

    found = await count_applications(NOW - timedelta(days=7), NOW, PLANNER, "operations: pilot", NOW, counter, log)

    assert found.total == 6
    assert found.per_kind() == {"day-permit": 5, "disabled": 1}
    assert counter.asked == [(NOW - timedelta(days=7), NOW)]
    [entry] = log.entries
    assert (entry.actor, entry.action, entry.purpose) == ("op-1", "application_counts", "operations: pilot")
    assert (entry.plate_key, entry.exemption_ids) == (None, ())


@pytest.mark.parametrize(("days", "message"), [(0, "after since"), (-1, "after since"), (367, "at most 366 days")])
async def test_the_period_is_bounded_and_nothing_is_read_outside_it(days: int, message: str) -> None:
    counter, log = FakeApplicationCounter(), FakeReadLog()

    with pytest.raises(InvalidExemption, match=message):
        await count_applications(NOW, NOW + timedelta(days=days), PLANNER, "operations", NOW, counter, log)

    assert counter.asked == []
    assert log.entries == []
