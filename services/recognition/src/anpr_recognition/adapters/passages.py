"""Where reads wait for their passage to close: PostgreSQL (durable across a crash, shared by instances),
and an in-memory fake with the same port for unit tests."""

import uuid
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from anpr_contracts import PlateRecognized, event_to_bytes, parse_event
from anpr_recognition.adapters.tables import passage_reads
from anpr_recognition.domain.passages import same_vehicle


class PassageRepository(Protocol):
    async def passage_for(self, read: PlateRecognized, window: timedelta) -> uuid.UUID | None: ...
    async def add(self, passage_id: uuid.UUID, read: PlateRecognized, received_at: datetime) -> None: ...
    async def closed(self, window: timedelta, quiet_since: datetime, limit: int) -> list[uuid.UUID]:
        """Passages whose camera has read a plate more than `window` after their last read (event time),
        or that have had no read since `quiet_since` (processing time: the camera went quiet)."""
        ...

    async def take(self, passage_id: uuid.UUID) -> list[PlateRecognized]: ...


class PostgresPassageRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def passage_for(self, read: PlateRecognized, window: timedelta) -> uuid.UUID | None:
        query = select(passage_reads.c.passage_id, passage_reads.c.plate).where(
            passage_reads.c.camera_id == read.camera_id,
            passage_reads.c.observed_at.between(read.observed_at - window, read.observed_at + window),
        )
        for passage_id, plate in (await self._db.execute(query)).all():
            if same_vehicle(plate, read.plate):
                return uuid.UUID(str(passage_id))
        return None

    async def add(self, passage_id: uuid.UUID, read: PlateRecognized, received_at: datetime) -> None:
        await self._db.execute(
            passage_reads.insert().values(
                read_id=read.read_id,
                passage_id=passage_id,
                camera_id=read.camera_id or "",
                plate=read.plate,
                confidence=read.confidence,
                observed_at=read.observed_at,
                received_at=received_at,
                event=event_to_bytes(read),
            )
        )

    async def closed(self, window: timedelta, quiet_since: datetime, limit: int) -> list[uuid.UUID]:
        later = passage_reads.alias("later")
        camera_latest = (
            select(func.max(later.c.observed_at))
            .where(later.c.camera_id == passage_reads.c.camera_id)
            .scalar_subquery()
        )
        query = (
            select(passage_reads.c.passage_id)
            .group_by(passage_reads.c.passage_id, passage_reads.c.camera_id)
            .having(
                or_(
                    func.max(passage_reads.c.received_at) < quiet_since,
                    func.max(passage_reads.c.observed_at) < camera_latest - window,
                )
            )
            .limit(limit)
        )
        return [uuid.UUID(str(row[0])) for row in (await self._db.execute(query)).all()]

    async def take(self, passage_id: uuid.UUID) -> list[PlateRecognized]:
        """The passage's reads, locked and deleted in this transaction: another instance skips them, and
        if publishing fails the transaction rolls back and they wait for the next try."""
        locked = (
            select(passage_reads.c.read_id, passage_reads.c.event)
            .where(passage_reads.c.passage_id == passage_id)
            .order_by(passage_reads.c.observed_at)
            .with_for_update(skip_locked=True)
        )
        rows = (await self._db.execute(locked)).all()
        if rows:
            await self._db.execute(delete(passage_reads).where(passage_reads.c.read_id.in_([r[0] for r in rows])))
        reads = [parse_event(bytes(row[1])) for row in rows]
        return [read for read in reads if isinstance(read, PlateRecognized)]


class FakePassageRepository:
    def __init__(self) -> None:
        self.rows: list[tuple[uuid.UUID, PlateRecognized, datetime]] = []

    async def passage_for(self, read: PlateRecognized, window: timedelta) -> uuid.UUID | None:
        for passage_id, other, _ in self.rows:
            if (
                other.camera_id == read.camera_id
                and abs(other.observed_at - read.observed_at) <= window
                and same_vehicle(other.plate, read.plate)
            ):
                return passage_id
        return None

    async def add(self, passage_id: uuid.UUID, read: PlateRecognized, received_at: datetime) -> None:
        self.rows.append((passage_id, read, received_at))

    async def closed(self, window: timedelta, quiet_since: datetime, limit: int) -> list[uuid.UUID]:
        received: dict[uuid.UUID, datetime] = {}
        observed: dict[uuid.UUID, tuple[str | None, datetime]] = {}
        camera_latest: dict[str | None, datetime] = {}
        for passage_id, read, received_at in self.rows:
            received[passage_id] = max(received_at, received.get(passage_id, received_at))
            last = max(read.observed_at, observed.get(passage_id, (None, read.observed_at))[1])
            observed[passage_id] = (read.camera_id, last)
            camera_latest[read.camera_id] = max(read.observed_at, camera_latest.get(read.camera_id, read.observed_at))
        due = [
            passage_id
            for passage_id, at in received.items()
            if at < quiet_since or observed[passage_id][1] < camera_latest[observed[passage_id][0]] - window
        ]
        return due[:limit]

    async def take(self, passage_id: uuid.UUID) -> list[PlateRecognized]:
        taken = sorted((row for row in self.rows if row[0] == passage_id), key=lambda row: row[1].observed_at)
        self.rows = [row for row in self.rows if row[0] != passage_id]
        return [read for _, read, _ in taken]
