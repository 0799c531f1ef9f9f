"""The monthly reminder run: which sightings become reminders, and that a second run adds nothing."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from anpr_notices.domain.model import Actor
from anpr_notices.domain.reminders import BadMonth, Sighting, month_bounds, pick_reminders
from anpr_notices.handlers import reminders_of, run_reminders
from anpr_runtime import NotFound, PermanentError

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
SUPERVISOR = Actor("supervisor-4", "Chris Bakker")


def at(day: int, month: int = 3) -> datetime:
    return datetime(2026, month, day, 9, 0, tzinfo=UTC)


def sighting(
    vehicle: str, seen: datetime, warned: datetime, regime: str = "mz", warning: UUID | None = None
) -> Sighting:
    return Sighting(vehicle, regime, warning or uuid4(), warned, uuid4(), seen)


def test_month_bounds() -> None:
    assert month_bounds("2026-03", NOW) == (at(1).replace(hour=0), datetime(2026, 4, 1, tzinfo=UTC))
    assert month_bounds("2025-12", NOW)[1] == datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "month",
    ["2026-3", "2026-13", "2026-00", "26-03", "2026-04", "1969-12", "x", "\u0662\u0660\u0662\u0666-\u0660\u0661"],
)
def test_bad_or_future_months_are_refused(month: str) -> None:
    with pytest.raises(BadMonth):
        month_bounds(month, NOW)


def test_one_reminder_per_vehicle_and_regime_first_sighting_latest_warning() -> None:
    old, recent = uuid4(), uuid4()
    picked = pick_reminders(
        [
            sighting("v1", at(10), at(1, 2), warning=old),
            sighting("v1", at(10), at(5, 2), warning=recent),
            sighting("v1", at(15), at(5, 2)),
            sighting("v1", at(12), at(1, 2), regime="other"),
            sighting("v2", at(3), at(4)),  # warned after it was seen: no reminder for that sighting
        ]
    )
    assert [(p.vehicle_key, p.regime_id, p.seen_at) for p in picked] == [("v1", "mz", at(10)), ("v1", "other", at(12))]
    assert picked[0].warning_id == recent


class FakeReminders:
    def __init__(self, sightings: list[Sighting]) -> None:
        self.found = sightings
        self.runs: dict[str, dict[str, Any]] = {}
        self.rows: dict[tuple[str, str, str], dict[str, Any]] = {}

    async def sightings(self, start: datetime, end: datetime) -> list[Sighting]:
        return [s for s in self.found if start <= s.seen_at < end]

    async def record(self, month: str, when: datetime, by: Actor, picked: Sequence[Sighting]) -> None:
        self.runs.setdefault(month, {"month": month, "first_run_at": when, "first_run_by_name": by.name})
        self.runs[month]["last_run_at"] = when
        for p in picked:
            row = {"regime_id": p.regime_id, "warning_id": p.warning_id, "warned_at": p.warned_at}
            self.rows.setdefault(
                (month, p.vehicle_key, p.regime_id), {**row, "seen_id": p.seen_id, "seen_at": p.seen_at}
            )

    async def run(self, month: str) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        if month not in self.runs:
            return None
        return self.runs[month], [row for key, row in self.rows.items() if key[0] == month]


async def test_running_a_month_twice_gives_the_same_reminders() -> None:
    warning = uuid4()
    repo = FakeReminders([sighting("v1", at(10), at(1, 2), warning=warning), sighting("v2", at(2, 4), at(1, 2))])
    first = await run_reminders("2026-03", SUPERVISOR, NOW, repo)
    again = await run_reminders("2026-03", Actor("supervisor-5", "Other"), NOW + timedelta(hours=1), repo)
    assert first["count"] == again["count"] == 1
    assert first["items"] == again["items"]
    assert first["items"][0]["letter"] == f"/v1/letters/{warning}"
    assert again["first_run_by_name"] == "Chris Bakker"
    assert again["last_run_at"] == NOW + timedelta(hours=1)
    assert (await reminders_of("2026-03", repo))["items"] == first["items"]


async def test_bad_month_and_unknown_run() -> None:
    repo = FakeReminders([])
    with pytest.raises(PermanentError):
        await run_reminders("2026-13", SUPERVISOR, NOW, repo)
    with pytest.raises(NotFound):
        await reminders_of("2026-02", repo)
    assert repo.runs == {}
