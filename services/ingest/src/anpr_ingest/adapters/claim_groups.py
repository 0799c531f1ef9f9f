"""Frame id claims written in groups: the claims that arrive while one group's statement runs go together
in the next. With frames from many cameras in flight that is one round trip for many frames, not one
each; an idle ledger writes a lone claim at once. Part of the frame ledger (adapters/frame_ledger.py)."""

import asyncio
from collections.abc import Awaitable
from datetime import datetime, timedelta
from typing import TypeVar

import asyncpg
from sqlalchemy.exc import DBAPIError

from anpr_runtime import RetriableError
from anpr_runtime.db_outage import database_away

# Claims new frame ids, or takes over undelivered ones whose lease ended; ids not returned: someone has them.
CLAIM = """
    INSERT INTO ingest.frames_seen AS seen (camera_id, frame_id, accepted_at, delivered, lease_until)
    SELECT camera_id, frame_id, accepted_at, false, lease_until
    FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[])
        AS claim(camera_id, frame_id, accepted_at, lease_until)
    ON CONFLICT (camera_id, frame_id) DO UPDATE
        SET accepted_at = excluded.accepted_at, lease_until = excluded.lease_until
    WHERE NOT seen.delivered AND seen.lease_until < excluded.accepted_at
    RETURNING camera_id, frame_id
"""

# What a lost or restarted database looks like from asyncpg: answered 503, the camera retries.
# Also the server's own refusals while it shuts down or starts up (57P01, 57P03: OperatorIntervention):
# without them a frame posted during a PostgreSQL restart got a 500 instead of 503 (tests/faults).
UNAVAILABLE = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,
    OSError,
    TimeoutError,
)


T = TypeVar("T")


class DatabaseUnavailable(RetriableError):
    retry_after_seconds = 2


async def available(step: Awaitable[T]) -> T:
    try:
        return await step
    except UNAVAILABLE as exc:
        raise DatabaseUnavailable(
            f"the database is unavailable ({type(exc).__name__}): nothing was accepted, retry later"
        ) from exc


async def looked_up(step: Awaitable[T]) -> T:
    """A read on a connection of its own (sites, camera tokens) while PostgreSQL is away: 503, as for claims.
    Besides asyncpg's own errors, SQLAlchemy's wrapping of them once a connection was made."""
    try:
        return await available(step)
    except DBAPIError as exc:
        if exc.connection_invalidated or database_away(exc):
            raise DatabaseUnavailable(f"the database is unavailable ({type(exc.orig).__name__}), retry later") from exc
        raise


class ClaimGroups:
    """Claims that arrive while a group's statement runs are written together in the next one."""

    def __init__(self, pool: asyncpg.Pool, lease: timedelta, max_group: int = 500) -> None:
        self._pool = pool
        self._lease = lease
        self._max_group = max_group
        self._waiting: list[tuple[str, str, datetime, asyncio.Future[bool]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def claim(self, camera_id: str, frame_id: str, now: datetime) -> bool:
        """True when this request now holds the frame id (fresh, or a lapsed claim taken over)."""
        claimed: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._waiting.append((camera_id, frame_id, now, claimed))
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_groups())
        return await claimed

    async def _write_groups(self) -> None:
        try:
            while self._waiting:
                group, self._waiting = self._waiting[: self._max_group], self._waiting[self._max_group :]
                await self._write(group)
        finally:
            self._writer = None

    async def _write(self, group: list[tuple[str, str, datetime, asyncio.Future[bool]]]) -> None:
        # One row per frame id: a statement may not claim the same row twice. A repeat in the same group
        # is not fresh; its request then finds the first one's claim, as a retry would.
        first: dict[tuple[str, str], datetime] = {}
        for camera_id, frame_id, now, _ in group:
            first.setdefault((camera_id, frame_id), now)
        moments = list(first.values())
        try:
            rows = await available(
                self._pool.fetch(
                    CLAIM,
                    [camera_id for camera_id, _ in first],
                    [frame_id for _, frame_id in first],
                    moments,
                    [now + self._lease for now in moments],
                )
            )
        except asyncio.CancelledError:
            for *_, claimed in group:
                claimed.cancel()
            raise
        except Exception as exc:  # the group's requests all fail alike: each gets the error
            for *_, claimed in group:
                if not claimed.done():
                    claimed.set_exception(exc)
            return
        fresh = {(row["camera_id"], row["frame_id"]) for row in rows}
        for camera_id, frame_id, _, claimed in group:
            if not claimed.done():
                claimed.set_result((camera_id, frame_id) in fresh)
            fresh.discard((camera_id, frame_id))  # a repeat in the group is not fresh
