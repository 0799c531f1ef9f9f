from datetime import datetime
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from anpr_recognition.adapters.tables import processed_frames


class FrameLedger(Protocol):
    async def seen(self, camera_id: str, frame_id: str) -> bool: ...
    async def mark(self, camera_id: str, frame_id: str, plates: int, now: datetime) -> None: ...


class PostgresFrameLedger:
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def seen(self, camera_id: str, frame_id: str) -> bool:
        query = select(processed_frames.c.frame_id).where(
            processed_frames.c.camera_id == camera_id, processed_frames.c.frame_id == frame_id
        )
        return (await self._db.execute(query)).first() is not None

    async def mark(self, camera_id: str, frame_id: str, plates: int, now: datetime) -> None:
        await self._db.execute(
            pg_insert(processed_frames)
            .values(camera_id=camera_id, frame_id=frame_id, plates=plates, processed_at=now)
            .on_conflict_do_nothing()
        )
