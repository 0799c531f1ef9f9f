"""Applications counted per local day and kind in PostgreSQL."""

from datetime import datetime
from typing import Protocol

from sqlalchemy import Date, cast, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from anpr_exemptions.adapters.application_tables import applications
from anpr_exemptions.domain.application_counts import DayCount
from anpr_exemptions.domain.local_time import LOCAL


class ApplicationCounter(Protocol):
    async def per_day(self, since: datetime, until: datetime) -> list[DayCount]: ...


class PostgresApplicationCounter:
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def per_day(self, since: datetime, until: datetime) -> list[DayCount]:
        c = applications.c
        # The Amsterdam day, as applicants and planners count days (an application at 00:30 local time
        # belongs to that day, not to the UTC day before).
        day = cast(func.timezone(str(LOCAL), c.submitted_at), Date).label("day")
        query = (
            select(day, c.kind, func.count().label("submitted"))
            .where(c.submitted_at >= since, c.submitted_at < until)
            .group_by(day, c.kind)
            .order_by(day, c.kind)
        )
        return [DayCount(r.day, r.kind, int(r.submitted)) for r in await self._db.execute(query)]
