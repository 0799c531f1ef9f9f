"""The frame ledger on real PostgreSQL: a claim commits with the block, rolls back with its error, and a
database that cannot be reached is a 503 (retry), never a 500."""

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from anpr_ingest.adapters.frame_ledger import DatabaseUnavailable, FrameLedger
from anpr_ingest.bootstrap import SPEC
from anpr_ingest.config import IngestSettings
from anpr_runtime.db import run_migrations

from .support import unique


@pytest.fixture
async def ledger(isolated: Callable[..., Any]) -> AsyncIterator[FrameLedger]:
    settings: IngestSettings = isolated(IngestSettings)
    await run_migrations(settings.database_url, SPEC.migrations_dir, SPEC.schema)
    opened = FrameLedger(settings.database_url)
    yield opened
    await opened.close()


async def test_a_claim_commits_with_the_block_and_a_retry_is_recognised(ledger: FrameLedger) -> None:
    camera, now = unique("cam"), datetime.now(UTC)
    async with ledger.claiming() as claims:
        assert await claims.remember_frame(camera, "f-1", now)
    async with ledger.claiming() as claims:
        assert not await claims.remember_frame(camera, "f-1", now)
        assert await claims.remember_frame(unique("cam"), "f-1", now)  # frame ids are per camera


async def test_a_failed_publish_rolls_the_claim_back_so_the_retry_is_fresh(ledger: FrameLedger) -> None:
    camera, now = unique("cam"), datetime.now(UTC)

    async def publish_fails() -> None:
        async with ledger.claiming() as claims:
            assert await claims.remember_frame(camera, "f-1", now)
            raise RuntimeError("broker did not acknowledge")  # the block's own error passes unchanged

    with pytest.raises(RuntimeError, match="broker"):
        await publish_fails()
    async with ledger.claiming() as claims:
        assert await claims.remember_frame(camera, "f-1", now)


async def test_old_frame_ids_are_forgotten(ledger: FrameLedger) -> None:
    camera, now = unique("cam"), datetime.now(UTC)
    async with ledger.claiming() as claims:
        await claims.remember_frame(camera, "old", datetime(2001, 1, 1, tzinfo=UTC))
        await claims.remember_frame(camera, "new", now)

    assert await ledger.forget_before(datetime(2001, 1, 2, tzinfo=UTC)) >= 1
    async with ledger.claiming() as claims:
        assert await claims.remember_frame(camera, "old", now)
        assert not await claims.remember_frame(camera, "new", now + timedelta(seconds=1))


async def test_an_unreachable_database_is_a_retriable_refusal() -> None:
    nowhere = FrameLedger("postgresql+asyncpg://anpr:anpr@127.0.0.1:9/anpr")  # port 9: discard, nothing listens

    async def claim() -> None:
        async with nowhere.claiming():
            pass

    with pytest.raises(DatabaseUnavailable) as refused:
        await claim()
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
    async with ledger.claiming() as claims:
        fresh_now = [await claims.remember_frame(camera, f"f-{n}", now) for n in range(6)]
    assert fresh_now == [False, False, False, True, False, False]


async def test_a_retry_arriving_while_the_first_is_publishing_waits_for_its_outcome(ledger: FrameLedger) -> None:
    camera, now = unique("cam"), datetime.now(UTC)
    first_claimed, first_fails = asyncio.Event(), asyncio.Event()

    async def first() -> None:
        async with ledger.claiming() as claims:
            assert await claims.remember_frame(camera, "f-1", now)
            first_claimed.set()
            await first_fails.wait()
            raise RuntimeError("broker did not acknowledge")

    async def retry() -> bool:
        await first_claimed.wait()
        async with ledger.claiming() as claims:
            return await claims.remember_frame(camera, "f-1", now)

    failing, retrying = asyncio.create_task(first()), asyncio.create_task(retry())
    await asyncio.sleep(0.3)
    assert not retrying.done()  # the first one's row is not committed: the retry waits on it
    first_fails.set()

    with pytest.raises(RuntimeError, match="broker"):
        await failing
    assert await retrying  # the first one took its row back: the retry is fresh and publishes
