"""Which frames each camera already delivered: the idempotency rows of POST /v1/frames.

This is the one write on the path of every frame, so it is one statement on a plain asyncpg pool (no
SQLAlchemy, no transaction). A frame id is claimed with a lease as long as a publish may take; once Kafka
acknowledged the frame its row is marked delivered, in batches, a few times a second. So:
- a retry of a delivered frame is a duplicate (202, nothing published again);
- a retry while the first request still publishes is told to retry shortly (503);
- a frame whose publish failed is given back at once, and one whose request died (ingest killed between
  claim and mark) is free again when its lease ends: the camera's retry publishes it. If the frame had
  reached Kafka before the crash, recognition's own ledger recognises the repeat.

Claims are written in groups (adapters/claim_groups.py).
"""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Collection, Coroutine
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from anpr_ingest.adapters.claim_groups import UNAVAILABLE, ClaimGroups, DatabaseUnavailable, available
from anpr_runtime import RetriableError
from anpr_runtime.db import engine_arguments

log = logging.getLogger(__name__)

_DELIVERED = "SELECT delivered FROM ingest.frames_seen WHERE camera_id = $1 AND frame_id = $2"
_MARK_DELIVERED = """
    UPDATE ingest.frames_seen SET delivered = true, lease_until = NULL
    WHERE (camera_id, frame_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
"""
_GIVE_BACK = """
    DELETE FROM ingest.frames_seen
    WHERE camera_id = $1 AND frame_id = $2 AND accepted_at = $3 AND NOT delivered
"""
_FORGET_BEFORE = "DELETE FROM ingest.frames_seen WHERE accepted_at < $1"


class FrameInFlight(RetriableError):
    """The same frame id is being published by an earlier request of this camera right now."""

    retry_after_seconds = 1


async def _nothing_to_reset(_: asyncpg.Connection) -> None:
    """asyncpg resets a returned connection with four statements (advisory locks, cursors, LISTEN,
    settings); these connections only ever run the ledger's own closed transactions."""


class FrameClaims:
    """The frames one request claims; delivered (or given back) when its block ends."""

    def __init__(self, pool: asyncpg.Pool, groups: ClaimGroups, delivered_here: Collection[tuple[str, str]]) -> None:
        self._pool = pool
        self._groups = groups
        self._delivered_here = delivered_here  # delivered by this process, not yet marked so
        self.claimed: list[tuple[str, str, datetime]] = []

    async def remember_frame(self, camera_id: str, frame_id: str, now: datetime) -> bool:
        """False when this camera already sent this frame id and it was delivered (a gateway retry)."""
        for _ in range(3):
            if await self._groups.claim(camera_id, frame_id, now):
                self.claimed.append((camera_id, frame_id, now))
                return True
            delivered = await available(self._pool.fetchval(_DELIVERED, camera_id, frame_id))
            if delivered is not None:
                if not delivered and (camera_id, frame_id) not in self._delivered_here:
                    raise FrameInFlight(f"frame {frame_id} of camera {camera_id} is being accepted now: retry shortly")
                return False
            # Given back between the two statements (its publish failed): claim it again.
        raise FrameInFlight(f"frame {frame_id} of camera {camera_id} is contended: retry shortly")

    async def give_back(self) -> None:
        """The publish failed: the camera's retry may claim these again at once (else when the lease ends)."""
        with contextlib.suppress(*UNAVAILABLE):
            await self._pool.executemany(_GIVE_BACK, self.claimed)


class FrameLedger:
    """Opens its pool at the first frame (the service's bootstrap is synchronous), closes it at stop."""

    def __init__(self, database_url: str, lease: timedelta, max_connections: int = 10) -> None:
        """`lease`: longer than a publish may take (the publish timeout, with a margin)."""
        url, self._connect_args = engine_arguments(database_url)
        self._dsn = url.replace("postgresql+asyncpg://", "postgresql://", 1)
        self._lease = lease
        self._max_connections = max_connections
        self._pool: asyncpg.Pool | None = None
        self._groups: ClaimGroups | None = None
        self._opening = asyncio.Lock()
        self._delivered: dict[tuple[str, str], None] = {}  # an ordered set

    async def _opened(self) -> tuple[asyncpg.Pool, ClaimGroups]:
        if self._pool is not None and self._groups is not None:  # every frame but the first: no lock
            return self._pool, self._groups
        async with self._opening:
            if self._pool is None:
                self._pool = await available(
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
                self._groups = ClaimGroups(self._pool, self._lease)
            assert self._groups is not None
            return self._pool, self._groups

    async def close(self) -> None:
        # Forgotten first and closed with a bound: a pool stuck closing (connections cut by a PostgreSQL
        # crash) must not stay the one every frame is claimed in, or ingest refuses frames until restarted.
        pool, self._pool, self._groups = self._pool, None, None
        if pool is not None:
            try:
                await asyncio.wait_for(pool.close(), timeout=10)
            except TimeoutError:
                pool.terminate()

    @asynccontextmanager
    async def claiming(self) -> AsyncIterator[FrameClaims]:
        """What is claimed in the block counts as delivered when the block ends without an error, and is
        given back when it raises. Only the database's own failures become DatabaseUnavailable."""
        claims = FrameClaims(*await self._opened(), self._delivered)
        try:
            yield claims
        except BaseException:
            await claims.give_back()
            raise
        self._delivered.update(dict.fromkeys((camera_id, frame_id) for camera_id, frame_id, _ in claims.claimed))

    async def mark_delivered(self) -> int:
        """Write the delivered marks gathered since the last call (one statement); how many there were."""
        marks = list(self._delivered)
        if marks and self._pool is not None:
            cameras, frames = (list(column) for column in zip(*marks, strict=True))
            await available(self._pool.execute(_MARK_DELIVERED, cameras, frames))  # on failure: next time
            for mark in marks:  # only now: a retry meanwhile must still find them delivered here
                del self._delivered[mark]
        return len(marks)

    async def forget_before(self, moment: datetime) -> int:
        """Drop idempotency rows older than any retry can be (frames that old are refused anyway)."""
        status: str = await available((await self._opened())[0].execute(_FORGET_BEFORE, moment))
        return int(status.rsplit(" ", 1)[-1])


def keep_frames_for(max_frame_age_seconds: float) -> timedelta:
    """A retry of a frame comes at the latest when the frame is still young enough to be accepted."""
    return timedelta(seconds=max_frame_age_seconds) + timedelta(hours=1)


def marking_delivered(ledger: FrameLedger, every_seconds: float = 0.2) -> Callable[[], Coroutine[Any, Any, None]]:
    """A background loop: marks delivered frames a few times a second, the last ones and the pool's close
    at stop (when the service cancels it)."""

    async def frame_ledger() -> None:
        try:
            while True:
                await asyncio.sleep(every_seconds)
                try:
                    await ledger.mark_delivered()
                except DatabaseUnavailable:  # kept for the next round
                    pass
                except Exception as exc:
                    # Kept for the next round too: this loop ending (the fault suite's kill -9 of PostgreSQL
                    # ended it) would close the pool under the frames still being claimed.
                    log.warning("frame marks not written, kept for the next round: %s", type(exc).__name__)
        finally:
            with contextlib.suppress(DatabaseUnavailable):
                await ledger.mark_delivered()
            await ledger.close()

    return frame_ledger
