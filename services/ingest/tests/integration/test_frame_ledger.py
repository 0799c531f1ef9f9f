"""The frame ledger on real PostgreSQL: a claim is delivered with the block and given back with its error,
a retry meanwhile is told to wait, a claim whose request died is free after its lease, and a database that
cannot be reached is a 503 (retry), never a 500."""

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from anpr_ingest.adapters.claim_groups import DatabaseUnavailable
from anpr_ingest.adapters.frame_ledger import FrameInFlight, FrameLedger
from anpr_ingest.bootstrap import SPEC
from anpr_ingest.config import IngestSettings
from anpr_runtime.db import run_migrations

from .support import unique

LEASE = timedelta(seconds=30)


@pytest.fixture
async def ledger(isolated: Callable[..., Any]) -> AsyncIterator[FrameLedger]:
    settings: IngestSettings = isolated(IngestSettings)
    await run_migrations(settings.database_url, SPEC.migrations_dir, SPEC.schema)
    opened = FrameLedger(settings.database_url, LEASE)
    yield opened
    await opened.close()


async def claim(ledger: FrameLedger, camera: str, frame_id: str, now: datetime) -> bool:
    async with ledger.claiming() as claims:
        return await claims.remember_frame(camera, frame_id, now)


async def test_a_delivered_frame_is_a_duplicate_before_and_after_it_is_marked_so(ledger: FrameLedger) -> None:
    camera, now = unique("cam"), datetime.now(UTC)
    assert await claim(ledger, camera, "f-1", now)

    assert not await claim(ledger, camera, "f-1", now)  # this process knows it delivered it
    assert await ledger.mark_delivered() == 1
    assert not await claim(ledger, camera, "f-1", now + timedelta(seconds=1))
    assert await claim(ledger, unique("cam"), "f-1", now)  # frame ids are per camera


async def test_a_retry_while_the_first_request_publishes_is_told_to_retry_shortly(ledger: FrameLedger) -> None:
    camera, now = unique("cam"), datetime.now(UTC)
    first_claimed, first_fails = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with ledger.claiming() as claims:
            assert await claims.remember_frame(camera, "f-1", now)
            first_claimed.set()
            await first_fails.wait()
            raise RuntimeError("broker did not acknowledge")

    failing = asyncio.create_task(first())
    await first_claimed.wait()
    with pytest.raises(FrameInFlight) as waiting:
        await claim(ledger, camera, "f-1", now)
    assert (waiting.value.status_code, waiting.value.retry_after_seconds) == (503, 1)
    first_fails.set()

    with pytest.raises(RuntimeError, match="broker"):
        await failing
    assert await claim(ledger, camera, "f-1", now)  # the first one gave its claim back: the retry publishes


async def test_a_failed_publish_gives_the_claim_back_so_the_retry_is_fresh(ledger: FrameLedger) -> None:
    camera, now = unique("cam"), datetime.now(UTC)

    async def publish_fails() -> None:
        async with ledger.claiming() as claims:
            assert await claims.remember_frame(camera, "f-1", now)
            raise RuntimeError("broker did not acknowledge")  # the block's own error passes unchanged

    with pytest.raises(RuntimeError, match="broker"):
        await publish_fails()
    assert await ledger.mark_delivered() == 0
    assert await claim(ledger, camera, "f-1", now)


async def test_a_claim_whose_request_died_is_free_again_when_its_lease_ends(ledger: FrameLedger) -> None:
    camera, now = unique("cam"), datetime.now(UTC)
    died = ledger.claiming()
    await (await died.__aenter__()).remember_frame(camera, "f-1", now)  # and its block never ends

    with pytest.raises(FrameInFlight):
        await claim(ledger, camera, "f-1", now + LEASE - timedelta(seconds=1))
    assert await claim(ledger, camera, "f-1", now + LEASE + timedelta(seconds=1))


async def test_old_frame_ids_are_forgotten(ledger: FrameLedger) -> None:
    camera, now = unique("cam"), datetime.now(UTC)
    assert await claim(ledger, camera, "old", datetime(2001, 1, 1, tzinfo=UTC))
    assert await claim(ledger, camera, "new", now)
    await ledger.mark_delivered()

    assert await ledger.forget_before(datetime(2001, 1, 2, tzinfo=UTC)) >= 1
    assert await claim(ledger, camera, "old", now)
    assert not await claim(ledger, camera, "new", now + timedelta(seconds=1))


async def test_an_unreachable_database_is_a_retriable_refusal() -> None:
    nowhere = FrameLedger("postgresql+asyncpg://anpr:anpr@127.0.0.1:9/anpr", LEASE)  # port 9: nothing listens

    with pytest.raises(DatabaseUnavailable) as refused:
        await claim(nowhere, "cam-1", "f-1", datetime.now(UTC))
    assert refused.value.status_code == 503
    assert refused.value.retriable


async def test_of_concurrent_claims_only_the_one_whose_publish_failed_is_fresh_again(ledger: FrameLedger) -> None:
    camera, now = unique("cam"), datetime.now(UTC)
    published = asyncio.Event()

    async def one(frame_id: str, fails: bool) -> bool:
        async with ledger.claiming() as claims:
            fresh = await claims.remember_frame(camera, frame_id, now)
            await published.wait()  # every claim is written before any request ends its block
            if fails:
                raise RuntimeError("broker did not acknowledge")
        return fresh

    tasks = [asyncio.create_task(one(f"f-{n}", fails=n == 3)) for n in range(6)]
    await asyncio.sleep(0.5)
    published.set()
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)

    assert outcomes[:3] + outcomes[4:] == [True] * 5
    assert isinstance(outcomes[3], RuntimeError)
    assert await ledger.mark_delivered() == 5
    fresh_now = [await claim(ledger, camera, f"f-{n}", now) for n in range(6)]
    assert fresh_now == [False, False, False, True, False, False]


async def test_concurrent_claims_are_written_together_and_a_repeat_among_them_waits(ledger: FrameLedger) -> None:
    camera, now = unique("cam"), datetime.now(UTC)
    published = asyncio.Event()

    async def one(frame_id: str) -> bool:
        async with ledger.claiming() as claims:
            fresh = await claims.remember_frame(camera, frame_id, now)
            await published.wait()
        return fresh

    tasks = [asyncio.create_task(one(f"f-{n}")) for n in range(50)] + [asyncio.create_task(one("f-7"))]
    await asyncio.sleep(0.5)
    published.set()
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)

    assert outcomes[:50] == [True] * 50
    assert isinstance(outcomes[50], FrameInFlight)  # the first f-7 was still publishing
    assert await ledger.mark_delivered() == 50
    assert not await claim(ledger, camera, "f-7", now + timedelta(seconds=1))
