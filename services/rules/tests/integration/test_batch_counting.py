"""Counting a batch in memory and writing the sums gives the same outcome counts as counting every read."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from anpr_rules.adapters.state import BatchCountingState, PostgresRulesState
from anpr_rules.adapters.tables import outcome_counts
from anpr_rules.bootstrap import SPEC
from anpr_runtime.db import create_engine, run_migrations

HOUR = datetime(2031, 3, 7, 12, tzinfo=UTC)
READS = [("loc-a", HOUR, "hit")] * 3 + [("loc-a", HOUR, "no_hit")] * 5 + [("loc-b", HOUR + timedelta(hours=1), "hit")]


@pytest.fixture
async def engine(infra: dict[str, str]) -> AsyncIterator[AsyncEngine]:
    await run_migrations(infra["DATABASE_URL"], SPEC.migrations_dir, SPEC.schema)
    engine = create_engine(infra["DATABASE_URL"])
    yield engine
    await engine.dispose()


async def counts_of(engine: AsyncEngine, regime_id: str) -> dict[tuple[str, datetime, str], int]:
    c = outcome_counts.c
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(c.location_id, c.hour, c.outcome, c.count).where(c.regime_id == regime_id)
        )
    return {(r.location_id, r.hour, r.outcome): r.count for r in rows}


async def test_batch_counts_equal_per_read_counts_and_add_to_what_is_there(engine: AsyncEngine) -> None:
    one_by_one, batched = f"mz-{uuid.uuid4().hex[:8]}", f"mz-{uuid.uuid4().hex[:8]}"
    for _ in range(2):  # twice: the second round adds to rows that exist
        async with engine.begin() as connection:
            state = PostgresRulesState(connection)
            for location, hour, outcome in READS:
                await state.count(one_by_one, location, hour, outcome)
        async with engine.begin() as connection:
            batch = BatchCountingState(connection)
            for location, hour, outcome in READS:
                await batch.count(batched, location, hour, outcome)
            await batch.flush_counts()

    assert await counts_of(engine, batched) == await counts_of(engine, one_by_one)
    assert (await counts_of(engine, batched))[("loc-a", HOUR, "no_hit")] == 10
