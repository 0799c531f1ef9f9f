"""The poison guard's attempt store: the same behaviour in PostgreSQL (which outlives a process) as in the
fake the runner's unit tests use. A store is one process; closing it is that process dying (its database
session ends)."""

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg
import pytest
from aiokafka import TopicPartition
from sqlalchemy.engine import make_url

from anpr_runtime.attempt_store import PostgresAttemptStore
from anpr_runtime.db import create_engine
from anpr_runtime.poison import Attempts, AttemptStore, FakeAttemptDatabase, FakeAttemptStore, Span
from anpr_runtime.settings import ServiceSettings

P0, P1 = TopicPartition("t.frames", 0), TopicPartition("t.frames", 1)
OTHER = TopicPartition("t.reads", 0)
Processes = Callable[[], AttemptStore]


@pytest.fixture(params=["fake", "postgres"])
async def process(request: pytest.FixtureRequest, isolated: Callable[..., Any]) -> AsyncIterator[Processes]:
    """Makes the store of a new process."""
    stores: list[AttemptStore] = []
    if request.param == "fake":
        database = FakeAttemptDatabase()

        def fake() -> AttemptStore:
            stores.append(FakeAttemptStore(database))
            return stores[-1]

        yield fake
        return
    settings: ServiceSettings = isolated(ServiceSettings)
    schema = f"attempts_{uuid.uuid4().hex[:10]}"
    engine = create_engine(settings.database_url)
    await _admin(settings.database_url, f'CREATE SCHEMA "{schema}"')  # the service's migrations made it

    def postgres() -> AttemptStore:
        stores.append(PostgresAttemptStore(engine, schema, "g"))
        return stores[-1]

    try:
        await PostgresAttemptStore(engine, schema, "g").create_table()
        await PostgresAttemptStore(engine, schema, "g").create_table()  # a second instance starting
        yield postgres
    finally:
        for store in stores:
            await store.close()
        await engine.dispose()
        await _admin(settings.database_url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


async def test_what_a_dead_process_had_in_flight_is_returned_to_the_next(process: Processes) -> None:
    first = process()
    assert await first.begin([Span(P0, 0, 9), Span(P1, 5, 7)]) == {}
    await first.close()  # died

    assert await process().begin([Span(P0, 0, 12), Span(P1, 8, 9), Span(OTHER, 0, 3)]) == {
        P0: [Attempts(0, 9, 1)],
        P1: [Attempts(5, 7, 1)],
    }


async def test_what_was_finished_is_not_returned(process: Processes) -> None:
    first = process()
    await first.begin([Span(P0, 0, 9), Span(P1, 5, 7)])
    await first.finish([(P0, 0), (P1, 5)])
    await first.close()

    assert await process().begin([Span(P0, 10, 12), Span(P1, 8, 9)]) == {}


async def test_a_live_process_s_rows_are_no_death_and_are_taken_over(process: Processes) -> None:
    first = process()
    await first.begin([Span(P0, 0, 9)])  # still handling them when the partition moved
    second = process()

    assert await second.begin([Span(P0, 0, 9)]) == {}, "a rebalance is no death"
    await first.finish([(P0, 0)])  # the first one's late finish leaves the new owner's row alone
    await second.close()  # and then the new owner dies

    assert await process().begin([Span(P0, 0, 9)]) == {P0: [Attempts(0, 9, 1)]}


async def test_single_offsets_count_their_starts_and_can_be_set_back(process: Processes) -> None:
    first = process()
    await first.begin([Span(P0, 0, 9)])
    await first.replace(P0, [Attempts(3, 3, 1), Attempts(4, 9, 1)])
    await first.start(P0, 3)
    await first.start(P0, 2)
    await first.set_count(P0, 2, 0)
    await first.close()

    second = process()
    earlier = await second.begin([Span(P0, 2, 9)])
    assert sorted(earlier[P0], key=lambda a: a.first) == [Attempts(3, 3, 2), Attempts(4, 9, 1)]
    await second.replace(P0, [Attempts(3, 3, 2), Attempts(4, 9, 1)])
    await second.start(P0, 3)
    await second.set_count(P0, 3, 2)  # a graceful stop: this start did not die
    await second.close()

    earlier = await process().begin([Span(P0, 3, 9)])
    assert sorted(earlier[P0], key=lambda a: a.first) == [Attempts(3, 3, 2), Attempts(4, 9, 1)]


async def _admin(database_url: str, statement: str) -> None:
    connection = await asyncpg.connect(make_url(database_url).set(drivername="postgresql").render_as_string(False))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()
