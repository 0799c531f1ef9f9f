"""The frame ledger on real PostgreSQL: a claim commits with the block, rolls back with its error, and a
database that cannot be reached is a 503 (retry), never a 500."""

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
