from datetime import datetime
from typing import Protocol

from sqlalchemy import case, delete, func, select
from sqlalchemy.dialects.postgresql import Insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from anpr_ingest.adapters.tables import camera_minutes, camera_status
from anpr_ingest.domain.health import (
    UNREGISTERED,
    CameraStatus,
    FrameSeen,
    Outcome,
    OutcomeCount,
    Windows,
    minute_of,
    status_of,
)


class HealthRecorder(Protocol):
    """Where a frame's outcome is counted: the in-memory tally on the frame path, the repository in tests."""

    async def record(self, seen: FrameSeen) -> None: ...


class CameraHealthRepository(Protocol):
    async def record(self, seen: FrameSeen) -> None: ...
    async def add_counts(self, counts: dict[tuple[str, datetime, Outcome], int]) -> None: ...
    async def merge_statuses(self, statuses: list[CameraStatus]) -> None: ...
    async def outcome_counts(self, camera_id: str | None, windows: Windows) -> list[OutcomeCount]: ...
    async def statuses(self, camera_id: str | None) -> list[CameraStatus]: ...
    async def purge_before(self, moment: datetime) -> int: ...


class PostgresCameraHealthRepository:
    """Upserts, so several ingest instances count into the same rows; works in the caller's transaction."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def record(self, seen: FrameSeen) -> None:
        """One frame: the same upserts as a flushed tally of one."""
        await self.add_counts({(seen.camera_id, minute_of(seen.at), seen.outcome): 1})
        if seen.camera_id != UNREGISTERED:
            await self.merge_statuses([status_of(seen)])

    async def add_counts(self, counts: dict[tuple[str, datetime, Outcome], int]) -> None:
        """Sums counted elsewhere (the in-memory tally), added to the minute rows in one statement."""
        if not counts:
            return
        rows = [
            {"camera_id": camera, "minute": minute, "outcome": outcome.value, "frames": frames}
            for (camera, minute, outcome), frames in sorted(counts.items())  # sorted: no lock-order deadlocks
        ]
        added = pg_insert(camera_minutes)
        await self._db.execute(
            added.on_conflict_do_update(
                index_elements=["camera_id", "minute", "outcome"],
                set_={"frames": camera_minutes.c.frames + added.excluded.frames},
            ),
            rows,
        )

    async def merge_statuses(self, statuses: list[CameraStatus]) -> None:
        for status in sorted(statuses, key=lambda s: s.camera_id):
            await self._db.execute(_status_upsert(status))

    async def outcome_counts(self, camera_id: str | None, windows: Windows) -> list[OutcomeCount]:
        m = camera_minutes.c
        query = (
            select(
                m.camera_id,
                m.outcome,
                func.coalesce(func.sum(m.frames).filter(m.minute >= windows.since_5m), 0),
                func.coalesce(func.sum(m.frames).filter(m.minute >= windows.since_60m), 0),
                func.sum(m.frames),
            )
            .where(m.minute >= windows.since_24h)
            .group_by(m.camera_id, m.outcome)
        )
        if camera_id is not None:
            query = query.where(m.camera_id == camera_id)
        rows = await self._db.execute(query)
        return [OutcomeCount(r[0], Outcome(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in rows]

    async def statuses(self, camera_id: str | None) -> list[CameraStatus]:
        query = select(camera_status).order_by(camera_status.c.camera_id)
        if camera_id is not None:
            query = query.where(camera_status.c.camera_id == camera_id)
        rows = await self._db.execute(query)
        return [CameraStatus(r.camera_id, r.last_frame_at, r.clock_skew_seconds, r.skew_measured_at) for r in rows]

    async def purge_before(self, moment: datetime) -> int:
        result = await self._db.execute(delete(camera_minutes).where(camera_minutes.c.minute < moment))
        return result.rowcount


def _status_upsert(status: CameraStatus) -> Insert:
    row = pg_insert(camera_status).values(
        camera_id=status.camera_id,
        last_frame_at=status.last_frame_at,
        clock_skew_seconds=status.skew_seconds,
        skew_measured_at=status.skew_measured_at,
    )
    current, new = camera_status.c, row.excluded
    # Requests commit out of order: a reading only replaces a newer one's if it is at least as recent.
    newer = (current.skew_measured_at.is_(None)) | (new.skew_measured_at >= current.skew_measured_at)
    return row.on_conflict_do_update(
        index_elements=["camera_id"],
        set_={
            "last_frame_at": func.greatest(current.last_frame_at, new.last_frame_at),  # greatest() skips NULLs
            "clock_skew_seconds": case((newer, new.clock_skew_seconds), else_=current.clock_skew_seconds),
            "skew_measured_at": func.greatest(current.skew_measured_at, new.skew_measured_at),
        },
    )
