"""The counter's applications counted per day and kind, for planners; the read is logged with its purpose
like every staff read of the counter's data, though the answer holds no personal data."""

from datetime import datetime

from anpr_exemptions.adapters.application_counts import ApplicationCounter
from anpr_exemptions.adapters.reads import ReadLog
from anpr_exemptions.domain.application_counts import ApplicationCounts, counted_period
from anpr_exemptions.domain.audit import Actor
from anpr_exemptions.domain.reads import ReadEntry


async def count_applications(
    since: datetime,
    until: datetime,
    actor: Actor,
    purpose: str,
    now: datetime,
    counter: ApplicationCounter,
    log: ReadLog,
) -> ApplicationCounts:
    since, until = counted_period(since, until)
    days = await counter.per_day(since, until)
    await log.record(ReadEntry(now, actor.subject, actor.name, "application_counts", purpose))
    return ApplicationCounts(since, until, days)
