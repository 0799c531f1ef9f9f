from collections.abc import Collection
from datetime import datetime
from typing import Protocol

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncConnection

from anpr_notices.adapters.tables import candidates
from anpr_notices.domain.model import Status


class RetentionRepository(Protocol):
    async def delete_expired(self, statuses: Collection[Status], before: datetime) -> int: ...


class PostgresRetentionRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def delete_expired(self, statuses: Collection[Status], before: datetime) -> int:
        """Evidence and decisions go with their candidate (ON DELETE CASCADE); links to it become NULL."""
        result = await self._db.execute(
            delete(candidates).where(candidates.c.status.in_(list(statuses)), candidates.c.retention_from < before)
        )
        return int(result.rowcount)
