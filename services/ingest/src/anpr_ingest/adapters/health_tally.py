"""Camera health counted in memory and written to PostgreSQL in one go every second.

Two upserts per frame on the same few counter rows made camera health the most expensive part of
accepting a frame (and every frame of a camera queued on the same row lock). Counting here and flushing
the sums once a second costs one transaction per second instead. What a crash can lose is the last
second's counters, never a frame: the frame's own idempotency row still commits with its publish.
Several instances each flush their own sums into the same rows (the upserts add).
"""

import asyncio
import logging
from collections import Counter
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from anpr_ingest.adapters.claim_groups import UNAVAILABLE
from anpr_ingest.adapters.health import PostgresCameraHealthRepository
from anpr_ingest.domain.health import (
    UNREGISTERED,
    CameraStatus,
    FrameSeen,
    Outcome,
    merged_status,
    minute_of,
    status_of,
)

log = logging.getLogger(__name__)

MinuteKey = tuple[str, datetime, Outcome]


class HealthTally:
    """Frame outcomes since the last flush: counts per camera, minute and outcome, and each camera's status."""

    def __init__(self) -> None:
        self._counts: Counter[MinuteKey] = Counter()
        self._statuses: dict[str, CameraStatus] = {}
        self._flushing = asyncio.Lock()

    async def record(self, seen: FrameSeen) -> None:
        """The same call as the repository's, so the frame path does not know which one it has."""
        self._counts[(seen.camera_id, minute_of(seen.at), seen.outcome)] += 1
        if seen.camera_id != UNREGISTERED:
            self._statuses[seen.camera_id] = merged_status(self._statuses.get(seen.camera_id), status_of(seen))

    @property
    def pending(self) -> int:
        return sum(self._counts.values())

    async def flush(self, engine: AsyncEngine) -> None:
        """Write what was counted; on a database error keep it for the next flush (nothing is dropped)."""
        async with self._flushing:
            counts, statuses = self._counts, self._statuses
            if not counts and not statuses:
                return
            self._counts, self._statuses = Counter(), {}
            try:
                async with engine.begin() as connection:
                    repository = PostgresCameraHealthRepository(connection)
                    await repository.add_counts(dict(counts))
                    await repository.merge_statuses(list(statuses.values()))
            except BaseException:
                self._restore(counts, statuses)
                raise

    def _restore(self, counts: Counter[MinuteKey], statuses: dict[str, CameraStatus]) -> None:
        self._counts.update(counts)
        for camera_id, status in statuses.items():
            self._statuses[camera_id] = merged_status(status, self._statuses.get(camera_id))


def flushing(tally: HealthTally, engine: AsyncEngine, every_seconds: float) -> Callable[[], Coroutine[Any, Any, None]]:
    """The background loop: flush every `every_seconds`, and once more when the service stops."""

    async def flush_camera_health() -> None:
        try:
            while True:
                await asyncio.sleep(every_seconds)
                await _flush_logged(tally, engine)
        finally:
            await _flush_logged(tally, engine)

    return flush_camera_health


async def _flush_logged(tally: HealthTally, engine: AsyncEngine) -> None:
    try:
        await tally.flush(engine)
    # Database down or starting up (asyncpg's CannotConnectNowError is neither of SQLAlchemy's nor an OSError:
    # it ended this loop for good after a kill -9 of PostgreSQL): the counts wait in memory for the next round.
    except (SQLAlchemyError, *UNAVAILABLE) as exc:
        log.warning("camera health not flushed, %d frames kept for the next try: %s", tally.pending, type(exc).__name__)
