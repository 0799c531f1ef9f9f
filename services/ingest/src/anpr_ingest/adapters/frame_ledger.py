"""Which frames each camera already delivered: the idempotency rows of POST /v1/frames.

This is the one write on the path of every frame, so it runs on a plain asyncpg pool with a prepared
statement instead of through SQLAlchemy: a checkout there pings the connection first and every
statement goes through the ORM-neutral compiler, together three times the cost of the insert itself.
The row commits only after the frame was published (the caller publishes inside `claiming`), so a
frame that could not be delivered can be sent again, and a retry of a delivered one is recognised.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any, TypeVar

import asyncpg

from anpr_runtime import RetriableError
from anpr_runtime.db import engine_arguments

_REMEMBER = """
    INSERT INTO ingest.frames_seen (camera_id, frame_id, accepted_at) VALUES ($1, $2, $3)
    ON CONFLICT DO NOTHING RETURNING true
"""
_FORGET_BEFORE = "DELETE FROM ingest.frames_seen WHERE accepted_at < $1"

# What a lost or restarted database looks like from asyncpg: answered 503, the camera retries.
# Also the server's own refusals while it shuts down or starts up (57P01, 57P03: OperatorIntervention):
# without them a frame posted during a PostgreSQL restart got a 500 instead of 503 (tests/faults).
_UNAVAILABLE = (
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,
    OSError,
    TimeoutError,
)


T = TypeVar("T")


class DatabaseUnavailable(RetriableError):
    retry_after_seconds = 2


async def _available(step: Awaitable[T]) -> T:
    try:
        return await step
    except _UNAVAILABLE as exc:
        raise DatabaseUnavailable(
            f"the database is unavailable ({type(exc).__name__}): nothing was accepted, retry later"
        ) from exc


async def _within(seconds: float, step: Awaitable[T]) -> T:
    """As asyncpg's own timeout, which runs the step in a task of its own (wait_for): one more per frame."""
    async with asyncio.timeout(seconds):
        return await step


async def _nothing_to_reset(_: asyncpg.Connection) -> None:
    """asyncpg resets a returned connection with four statements (advisory locks, cursors, LISTEN,
    settings); these connections only ever run the ledger's own closed transactions."""


class FrameClaims:
    """The frames claimed in one transaction."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def remember_frame(self, camera_id: str, frame_id: str, now: datetime) -> bool:
        """False when this camera already sent this frame id (a gateway retry)."""
        return await _available(self._connection.fetchval(_REMEMBER, camera_id, frame_id, now)) is not None


class FrameLedger:
    """Opens its pool at the first frame (the service's bootstrap is synchronous), closes it at stop."""

    def __init__(self, database_url: str, max_connections: int = 10) -> None:
        url, self._connect_args = engine_arguments(database_url)
        self._dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
        self._max_connections = max_connections
        self._pool: asyncpg.Pool | None = None
        self._opening = asyncio.Lock()

    async def _opened(self) -> asyncpg.Pool:
        async with self._opening:
            if self._pool is None:
                self._pool = await _available(
                    asyncpg.create_pool(
                        self._dsn,
                        min_size=1,
                        max_size=self._max_connections,
                        timeout=5,
                        reset=_nothing_to_reset,
                        # The row only guards against publishing a retried frame twice; the frame itself is
                        # durable in Kafka before we answer. Losing the last few rows in a database crash
                        # is harmless, so a commit need not wait for the WAL flush: with frames from many
                        # cameras that wait, not the work, was what limited the rate.
                        server_settings={"synchronous_commit": "off"},
                        **self._connect_args,
                    )
                )
            return self._pool

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    @asynccontextmanager
    async def claiming(self) -> AsyncIterator[FrameClaims]:
        """A transaction: what is claimed in it commits when the block ends without an error.

        Only the database's own failures become DatabaseUnavailable; the block's errors pass unchanged."""
        pool = await self._opened()
        connection = await _available(_within(5, pool.acquire()))
        try:
            transaction = connection.transaction()
            await _available(transaction.start())
            try:
                yield FrameClaims(connection)
            except BaseException:
                with contextlib.suppress(*_UNAVAILABLE):
                    await transaction.rollback()
                raise
            await _available(transaction.commit())
        finally:
            await pool.release(connection)

    async def forget_before(self, moment: datetime) -> int:
        """Drop idempotency rows older than any retry can be (frames that old are refused anyway)."""
        status: str = await _available((await self._opened()).execute(_FORGET_BEFORE, moment))
        return int(status.rsplit(" ", 1)[-1])


def keep_frames_for(max_frame_age_seconds: float) -> timedelta:
    """A retry of a frame comes at the latest when the frame is still young enough to be accepted."""
    return timedelta(seconds=max_frame_age_seconds) + timedelta(hours=1)


def closing_at_stop(ledger: FrameLedger) -> Callable[[], Coroutine[Any, Any, None]]:
    """A background loop that only waits: the service cancels it at stop, and then the pool is closed."""

    async def frame_ledger() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            await ledger.close()

    return frame_ledger
