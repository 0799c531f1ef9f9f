"""The monthly reminder run in PostgreSQL: who was warned and seen again, and what each run recorded."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import and_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from anpr_notices.adapters.tables import candidates, reminder_runs, reminders
from anpr_notices.domain.model import Actor, Status
from anpr_notices.domain.reminders import Sighting

# A sighting that turned out not to be one: rejected by a reviewer or corrected to another vehicle.
NOT_SEEN = (Status.REJECTED, Status.REPLACED, Status.CORRECTED_NO_VIOLATION, Status.CORRECTED_DUPLICATE)


class ReminderRepository(Protocol):
    async def sightings(self, start: datetime, end: datetime) -> list[Sighting]: ...
    async def record(self, month: str, at: datetime, by: Actor, picked: Sequence[Sighting]) -> None: ...
    async def run(self, month: str) -> tuple[dict[str, Any], list[dict[str, Any]]] | None: ...


class PostgresReminderRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def sightings(self, start: datetime, end: datetime) -> list[Sighting]:
        warned, seen = candidates.alias("warned"), candidates.alias("seen")
        w, s = warned.c, seen.c
        query = select(
            s.vehicle_key, s.regime_id, w.candidate_id, w.issued_at, s.candidate_id, s.observed_at
        ).select_from(
            seen.join(
                warned,
                and_(
                    w.vehicle_key == s.vehicle_key,
                    w.regime_id == s.regime_id,
                    w.candidate_id != s.candidate_id,
                    w.issued_as == "warning",
                    w.issued_at < s.observed_at,
                ),
            )
        )
        query = query.where(
            s.mode == "warn",
            s.vehicle_key.is_not(None),
            s.observed_at >= start,
            s.observed_at < end,
            s.status.not_in([str(x) for x in NOT_SEEN]),
        )
        return [Sighting(*row) for row in await self._db.execute(query)]

    async def record(self, month: str, at: datetime, by: Actor, picked: Sequence[Sighting]) -> None:
        """The month's first run keeps its author; later runs move `last_run_at` and add only new reminders."""
        run = {"month": month, "first_run_at": at, "first_run_by": by.subject, "first_run_by_name": by.name}
        await self._db.execute(
            insert(reminder_runs)
            .values(**run, last_run_at=at)
            .on_conflict_do_update(index_elements=["month"], set_={"last_run_at": at})
        )
        if picked:
            rows = [
                {
                    "month": month,
                    "vehicle_key": p.vehicle_key,
                    "regime_id": p.regime_id,
                    "warning_id": p.warning_id,
                    "warned_at": p.warned_at,
                    "seen_id": p.seen_id,
                    "seen_at": p.seen_at,
                    "recorded_at": at,
                }
                for p in picked
            ]
            await self._db.execute(insert(reminders).on_conflict_do_nothing(), rows)

    async def run(self, month: str) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        found = (await self._db.execute(select(reminder_runs).where(reminder_runs.c.month == month))).first()
        if found is None:
            return None
        r, c = reminders.c, candidates.c
        # The plate and place from the sighting, while retention keeps it (outer join: purged -> None).
        query = (
            select(r.regime_id, r.warning_id, r.warned_at, r.seen_id, r.seen_at, c.plate, c.location_id)
            .select_from(reminders.outerjoin(candidates, c.candidate_id == r.seen_id))
            .where(r.month == month)
            .order_by(r.seen_at, r.regime_id, r.vehicle_key)
        )
        return dict(found._mapping), [dict(row._mapping) for row in await self._db.execute(query)]
