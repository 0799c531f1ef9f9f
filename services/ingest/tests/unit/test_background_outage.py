"""Ingest's background loops outlive a PostgreSQL crash: the fault suite's kill -9 of PostgreSQL ended the
camera-health flush for good (asyncpg's CannotConnectNowError while the server recovered) and the frame
ledger's loop, whose pool was then left closing under the frames being claimed: every frame got 503 until
ingest was restarted."""

import asyncio
from typing import Any

import asyncpg
import pytest

from anpr_ingest.adapters.frame_ledger import marking_delivered
from anpr_ingest.adapters.health_tally import HealthTally, flushing

from .test_health_tally import FRAMES, replay


class StartingUpEngine:
    """PostgreSQL in crash recovery, as asyncpg reports it on connect (SQLSTATE 57P03)."""

    def __init__(self) -> None:
        self.attempts = 0

    def begin(self) -> Any:
        self.attempts += 1
        raise asyncpg.exceptions.CannotConnectNowError("the database system is starting up")


async def test_the_health_flush_keeps_trying_while_postgres_starts_up() -> None:
    engine, tally = StartingUpEngine(), HealthTally()
    await replay(FRAMES, tally)  # counts waiting to be written
    loop = asyncio.create_task(flushing(tally, engine, every_seconds=0.01)())  # type: ignore[arg-type]
    await asyncio.sleep(0.2)

    assert not loop.done(), loop.exception() if loop.done() else None
    assert engine.attempts > 3
    assert tally.pending == len(FRAMES)
    loop.cancel()
    with pytest.raises(asyncio.CancelledError):
        await loop


class CrashedLedger:
    """Marks fail once with an error the ledger does not classify (a connection cut mid-statement), then work."""

    def __init__(self) -> None:
        self.calls = 0
        self.closed = False

    async def mark_delivered(self) -> int:
        self.calls += 1
        if self.calls == 1:
            raise asyncpg.exceptions.InternalClientError("connection lost mid-statement")
        return 0

    async def close(self) -> None:
        self.closed = True


async def test_the_frame_ledger_loop_survives_a_failed_round_and_keeps_its_pool_open() -> None:
    ledger = CrashedLedger()
    loop = asyncio.create_task(marking_delivered(ledger, every_seconds=0.01)())  # type: ignore[arg-type]
    await asyncio.sleep(0.2)

    assert not loop.done(), loop.exception() if loop.done() else None
    assert ledger.calls > 3
    assert not ledger.closed
    loop.cancel()
    with pytest.raises(asyncio.CancelledError):
        await loop
    assert ledger.closed  # closed at stop only
