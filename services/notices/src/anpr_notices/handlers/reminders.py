"""The monthly reminder run: record who came back after a warning, once per month and vehicle."""

from datetime import datetime
from typing import Any

from anpr_notices.adapters.reminders import ReminderRepository
from anpr_notices.domain.model import Actor
from anpr_notices.domain.reminders import BadMonth, month_bounds, pick_reminders, reminder_view
from anpr_runtime import NotFound, PermanentError


async def run_reminders(month: str, by: Actor, now: datetime, repo: ReminderRepository) -> dict[str, Any]:
    """Idempotent: a second run of a month returns what the first recorded, plus any sighting that has
    come to light since (a candidate that arrived late); a reminder is never recorded twice."""
    try:
        start, end = month_bounds(month, now)
    except BadMonth as bad:
        raise PermanentError(str(bad)) from bad
    await repo.record(month, now, by, pick_reminders(await repo.sightings(start, end)))
    return await reminders_of(month, repo)


async def reminders_of(month: str, repo: ReminderRepository) -> dict[str, Any]:
    found = await repo.run(month)
    if found is None:
        raise NotFound(f"no reminder run for {month}")
    run, rows = found
    items = [reminder_view(row) for row in rows]
    return {**run, "count": len(items), "items": items}
