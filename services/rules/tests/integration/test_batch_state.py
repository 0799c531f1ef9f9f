"""A batch's state kept in memory and written at once: the same outcome counts as counting every read, and
the same candidate marks (first in the period or not) as marking one by one, unless someone else marked
the vehicle meanwhile."""

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from anpr_rules.adapters.state import _MARKS_OF, BatchState, MarkedMeanwhile, PostgresRulesState
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
            batch = BatchState(connection)
            for location, hour, outcome in READS:
                await batch.count(batched, location, hour, outcome)
            await batch.flush()

    assert await counts_of(engine, batched) == await counts_of(engine, one_by_one)
    assert (await counts_of(engine, batched))[("loc-a", HOUR, "no_hit")] == 10


async def test_marks_are_answered_like_one_by_one_and_written_at_the_flush(engine: AsyncEngine) -> None:
    regime, seen_before, new, elsewhere = f"mz-{uuid.uuid4().hex[:8]}", "veh-a", "veh-b", "veh-c"
    async with engine.begin() as connection:
        assert await PostgresRulesState(connection).mark_candidate(seen_before, regime, "2031-03-07", HOUR)

    async with engine.begin() as connection:
        batch = BatchState(connection)
        await batch.load_marks([seen_before, new, new])
        answers = [
            await batch.mark_candidate(seen_before, regime, "2031-03-07", HOUR),
            await batch.mark_candidate(new, regime, "2031-03-07", HOUR),
            await batch.mark_candidate(new, regime, "2031-03-07", HOUR),  # a second read in the same batch
            await batch.mark_candidate(new, regime, "2031-03-08", HOUR),  # another day
            await batch.mark_candidate(elsewhere, regime, "2031-03-07", HOUR),  # not loaded: straight to the table
        ]
        await batch.flush()

    assert answers == [False, True, False, True, True]
    async with engine.begin() as connection:
        state = PostgresRulesState(connection)
        written = [
            await state.mark_candidate(v, regime, p, HOUR) for v, p in ((new, "2031-03-07"), (new, "2031-03-08"))
        ]
    assert written == [False, False]


async def test_a_mark_set_meanwhile_fails_the_flush(engine: AsyncEngine) -> None:
    regime = f"mz-{uuid.uuid4().hex[:8]}"
    async with engine.connect() as connection:
        transaction = await connection.begin()
        batch = BatchState(connection)
        await batch.load_marks(["veh-a"])
        assert await batch.mark_candidate("veh-a", regime, "2031-03-07", HOUR)
        async with engine.begin() as other:  # another instance, after this batch read the marks
            assert await PostgresRulesState(other).mark_candidate("veh-a", regime, "2031-03-07", HOUR)

        with pytest.raises(MarkedMeanwhile, match="1 candidate marks"):
            await batch.flush()
        await transaction.rollback()


async def test_loading_marks_never_compares_every_row_with_every_key(engine: AsyncEngine) -> None:
    """The batch's marks are read with one prepared statement. Once PostgreSQL uses its generic plan for it
    (the keys a parameter) and had planned a sequential scan while the table was young, `vehicle_key =
    ANY(:keys)` compared each row with each of the batch's keys in turn: 54 ms a batch of 500 at 12,000
    marks, most of PostgreSQL's CPU in `anpr bench pipeline`. Here that plan is forced (generic, no index
    scans); the statement must still find the keys by hashing or by index, never by a filter over the array."""
    statement = str(_MARKS_OF).replace(":keys", "$1")
    async with engine.connect() as connection:
        await connection.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
        await connection.exec_driver_sql("SET enable_indexscan = off")
        await connection.exec_driver_sql("SET enable_bitmapscan = off")
        await connection.exec_driver_sql(f"PREPARE marks_of(text[]) AS {statement}")
        plan = (await connection.exec_driver_sql("EXPLAIN (FORMAT JSON) EXECUTE marks_of('{a,b}')")).scalar_one()
        await connection.exec_driver_sql("DEALLOCATE marks_of")

    def nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
        yield node
        for child in node.get("Plans", []):
            yield from nodes(child)

    plan_nodes = list(nodes(plan[0]["Plan"]))
    assert not [n for n in plan_nodes if "ANY" in n.get("Filter", "")], plan_nodes
    assert {n["Node Type"] for n in plan_nodes} & {"Hash Join", "Nested Loop", "Merge Join"}, plan_nodes
