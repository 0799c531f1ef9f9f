"""Operational statistics: what rules judged and what became of the candidates, per regime, location and
UTC hour; reviewer throughput; the backlog."""

import asyncio
from datetime import datetime, timedelta
from typing import Any

from anpr_notices.adapters.stats import StatsSource
from anpr_notices.domain.model import Status
from anpr_notices.domain.stats import backlog, per_hour
from anpr_runtime import PermanentError

MAX_STATS_WINDOW = timedelta(days=92)


async def report_stats(
    since: datetime | None, until: datetime | None, now: datetime, source: StatsSource
) -> dict[str, Any]:
    """Default window: the 24 hours before `until` (default: now); a longer one than 92 days is refused."""
    until = until or now
    since = since or until - timedelta(hours=24)
    if not since < until <= since + MAX_STATS_WINDOW:
        raise PermanentError(f"since must be before until, at most {MAX_STATS_WINDOW.days} days apart")
    reads, found = await asyncio.gather(source.reads_judged(since, until), source.notices(since, until, now))
    waiting = {status: count for status, count, _ in found["waiting"]}
    queued = [oldest for status, _, oldest in found["waiting"] if status != Status.REEVALUATING]
    return {
        "since": since,
        "until": until,
        "per_hour": per_hour(reads or [], found["candidates"], found["rejections"]),
        "reviewers": [
            {"reviewer": by, "reviewer_name": name, "hour": hour, "decisions": n}
            for by, hour, n, name in found["throughput"]
        ],
        "backlog": backlog(waiting, min(queued, default=None), now),
        "sources": {"rules_outcome_counts": "ok" if reads is not None else "unavailable"},
    }
