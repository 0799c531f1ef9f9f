"""Operational statistics per regime, location and hour, merged from the rules counters and notices."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from anpr_notices.domain.model import CONFIRMED, Status

Bucket = tuple[str, str, datetime]


def per_hour(
    reads: Iterable[tuple[str, str | None, datetime, str, int]],
    candidates: Iterable[tuple[str, str | None, datetime, str, int]],
    rejections: Iterable[tuple[str, str | None, datetime, str, int]],
) -> list[dict[str, Any]]:
    """Rows (regime, location, hour, outcome | status | reason, count) -> one entry per bucket.

    `accepted` counts candidates whose acceptance stands (also issued and exported ones); `rejected`
    counts reject decisions by reason, so misreads corrected by a reviewer show up as `misread`."""
    buckets: dict[Bucket, dict[str, Any]] = {}

    def bucket(regime: str, location: str | None, hour: datetime) -> dict[str, Any]:
        key = (regime, location or "", hour)
        if key not in buckets:
            buckets[key] = {
                "regime_id": regime,
                "location_id": location or "",
                "hour": hour,
                "reads_judged": 0,
                "outcomes": {},
                "candidates": 0,
                "accepted": 0,
                "rejected": {},
                "by_status": {},
            }
        return buckets[key]

    for regime, location, hour, outcome, count in reads:
        entry = bucket(regime, location, hour)
        entry["reads_judged"] += count
        entry["outcomes"][outcome] = entry["outcomes"].get(outcome, 0) + count
    for regime, location, hour, status, count in candidates:
        entry = bucket(regime, location, hour)
        entry["candidates"] += count
        entry["by_status"][status] = count
        if Status(status) in CONFIRMED:
            entry["accepted"] += count
    for regime, location, hour, reason, count in rejections:
        entry = bucket(regime, location, hour)
        entry["rejected"][reason] = count
    return [buckets[key] for key in sorted(buckets, key=lambda k: (k[2], k[0], k[1]))]


def backlog(counts: dict[str, int], oldest: datetime | None, now: datetime) -> dict[str, Any]:
    """The queue: how many wait, and how long the oldest undecided candidate has waited."""
    return {
        "pending": counts.get(Status.PENDING, 0),
        "awaiting_second_review": counts.get(Status.AWAITING_SECOND_REVIEW, 0),
        "reevaluating": counts.get(Status.REEVALUATING, 0),
        "oldest_pending_since": oldest,
        "oldest_pending_age_seconds": None if oldest is None else round((now - oldest).total_seconds()),
    }
