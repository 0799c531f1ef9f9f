"""Export batches: issued notices and warnings move into a batch once, and the batch can be read again."""

from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from anpr_notices.adapters.candidates import PostgresCandidateRepository
from anpr_notices.adapters.tables import candidates, export_batches
from anpr_notices.domain.model import ISSUED, Actor, Status


class ExportRepository(Protocol):
    async def create_batch(self, batch_id: UUID, at: datetime, by: Actor) -> dict[str, Any]: ...
    async def batch(self, batch_id: UUID) -> tuple[dict[str, Any], list[dict[str, Any]]] | None: ...
    async def batches(self, limit: int) -> list[dict[str, Any]]: ...


class PostgresExportRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def create_batch(self, batch_id: UUID, at: datetime, by: Actor) -> dict[str, Any]:
        """Everything issued and not yet exported; a concurrent export waits on the row locks and then
        finds these rows exported, so no notice is ever in two batches."""
        batch = {
            "batch_id": batch_id,
            "created_at": at,
            "created_by": by.subject,
            "created_by_name": by.name,
            "notices": 0,
            "warnings": 0,
        }
        await self._db.execute(insert(export_batches).values(batch))
        moved = await self._db.execute(
            update(candidates)
            .where(candidates.c.status.in_(list(ISSUED)), candidates.c.export_batch_id.is_(None))
            .values(status=Status.EXPORTED, export_batch_id=batch_id)
            .returning(candidates.c.issued_as)
        )
        kinds = [row.issued_as for row in moved]
        batch.update(notices=kinds.count("notice"), warnings=kinds.count("warning"))
        await self._db.execute(
            update(export_batches)
            .where(export_batches.c.batch_id == batch_id)
            .values(notices=batch["notices"], warnings=batch["warnings"])
        )
        return batch

    async def batch(self, batch_id: UUID) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        row = (await self._db.execute(select(export_batches).where(export_batches.c.batch_id == batch_id))).first()
        if row is None:
            return None
        members = select(candidates).where(candidates.c.export_batch_id == batch_id).order_by(candidates.c.observed_at)
        found = await PostgresCandidateRepository(self._db).complete(list(await self._db.execute(members)))
        return dict(row._mapping), found

    async def batches(self, limit: int) -> list[dict[str, Any]]:
        """The batch records, newest first (their counts as created: a purge later lists fewer rows)."""
        order = (export_batches.c.created_at.desc(), export_batches.c.batch_id.desc())
        rows = await self._db.execute(select(export_batches).order_by(*order).limit(limit))
        return [dict(row._mapping) for row in rows]
