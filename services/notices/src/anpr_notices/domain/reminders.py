"""The monthly reminder run: vehicles warned in a regime (warn mode) and seen again there in a month.

One reminder per vehicle and regime per month, however often the vehicle came back: the earliest sighting
in the month and the latest warning before it, so a run gives the same answer each time it is asked."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

_MONTH = re.compile(r"^([0-9]{4})-(0[1-9]|1[0-2])$")  # not \d: it matches any script's digits


class BadMonth(ValueError):
    pass


def month_bounds(month: str, now: datetime) -> tuple[datetime, datetime]:
    """`YYYY-MM` -> [first instant, first instant of the next month) in UTC; a future month is refused
    (nothing can have been seen in it yet, and a run recorded now would stay empty for good)."""
    found = _MONTH.match(month)
    if found is None:
        raise BadMonth("month must be YYYY-MM, e.g. 2026-03")
    year, number = int(found[1]), int(found[2])
    if not 1970 <= year <= 2199:
        raise BadMonth("month must lie in the years 1970-2199")
    start = datetime(year, number, 1, tzinfo=UTC)
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=UTC)
    if start > now:
        raise BadMonth("month lies in the future")
    return start, end


@dataclass(frozen=True)
class Sighting:
    """A warned vehicle seen again: the earlier warning and a new warn-mode candidate of the same vehicle
    (by keyed hash) in the same regime."""

    vehicle_key: str
    regime_id: str
    warning_id: UUID
    warned_at: datetime
    seen_id: UUID
    seen_at: datetime


def pick_reminders(sightings: Iterable[Sighting]) -> list[Sighting]:
    """One per (vehicle, regime): the first sighting in the month, with the latest warning before it."""
    chosen: dict[tuple[str, str], Sighting] = {}
    for s in sightings:
        if s.warned_at >= s.seen_at:
            continue  # a warning issued after this sighting is not a warning the driver had had
        key = (s.vehicle_key, s.regime_id)
        best = chosen.get(key)
        if best is None or (s.seen_at, -s.warned_at.timestamp()) < (best.seen_at, -best.warned_at.timestamp()):
            chosen[key] = s
    return sorted(chosen.values(), key=lambda s: (s.seen_at, s.regime_id, s.vehicle_key))


def reminder_view(row: dict[str, Any]) -> dict[str, Any]:
    """A recorded reminder as the API shows it, with the link to the warning letter it follows up."""
    return {
        "regime_id": row["regime_id"],
        "plate": row.get("plate"),
        "warning_candidate_id": str(row["warning_id"]),
        "warned_at": row["warned_at"],
        "seen_candidate_id": str(row["seen_id"]),
        "seen_at": row["seen_at"],
        "location_id": row.get("location_id"),
        "letter": f"/v1/letters/{row['warning_id']}",
    }
