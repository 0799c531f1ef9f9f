"""The poison guard's attempt store: the same behaviour in PostgreSQL (which outlives a process) as in the
fake the runner's unit tests use."""

import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import asyncpg
import pytest
from aiokafka import TopicPartition
from sqlalchemy.engine import make_url

from anpr_runtime.attempt_store import PostgresAttemptStore
from anpr_runtime.db import create_engine
from anpr_runtime.poison import Attempts, AttemptStore, FakeAttemptStore, Span
from anpr_runtime.settings import ServiceSettings

P0, P1 = TopicPartition("t.frames", 0), TopicPartition("t.frames", 1)
OTHER = TopicPartition("t.reads", 0)


@pytest.fixture(params=["fake", "postgres"])
async def store(request: pytest.FixtureRequest, isolated: Callable[..., Any]) -> AsyncIterator[AttemptStore]:
    if request.param == "fake":
        yield FakeAttemptStore()
        return
    settings: ServiceSettings = isolated(ServiceSettings)
    schema = f"attempts_{uuid.uuid4().hex[:10]}"
    engine = create_engine(settings.database_url)
    postgres = PostgresAttemptStore(engine, schema, "g")
    await _admin(settings.database_url, f'CREATE SCHEMA "{schema}"')  # the service's migrations made it
    try:
        await postgres.create_table()
        await postgres.create_table()  # a second instance starting: nothing happens
        yield postgres
    finally:
        await postgres.close()
        await engine.dispose()
        await _admin(settings.database_url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


async def rows(store: AttemptStore, *partitions: TopicPartition) -> dict[TopicPartition, list[Attempts]]:
    """What is written down for these partitions (a begin with nothing fetched beyond the rows)."""
    probe = [Span(tp, 10**12, 10**12) for tp in partitions]
    found = await store.begin(probe)
    await store.finish([(tp, 10**12) for tp in partitions])  # the probe's own rows, where it made any
    return found


async def test_a_fresh_span_is_written_down_and_finishing_crosses_it_off(store: AttemptStore) -> None:
    assert await store.begin([Span(P0, 0, 9), Span(P1, 5, 7)]) == {}
    assert await rows(store, P0, P1) == {P0: [Attempts(0, 9, 1)], P1: [Attempts(5, 7, 1)]}

    await store.finish([(P0, 0), (P1, 5)])

    assert await rows(store, P0, P1) == {}


async def test_what_a_dead_process_left_is_returned_and_nothing_is_added_to_it(store: AttemptStore) -> None:
    await store.begin([Span(P0, 0, 9)])  # and the process died

    assert await store.begin([Span(P0, 0, 12), Span(P1, 0, 3)]) == {P0: [Attempts(0, 9, 1)]}
    assert (await rows(store, P0))[P0] == [Attempts(0, 9, 1)]


async def test_single_offsets_count_their_starts_and_can_be_set_back(store: AttemptStore) -> None:
    await store.begin([Span(P0, 0, 9)])
    await store.replace(P0, [Attempts(3, 3, 1), Attempts(4, 9, 1)])

    await store.start(P0, 3)
    await store.start(P0, 2)
    assert sorted((await rows(store, P0))[P0], key=lambda a: a.first) == [
        Attempts(2, 2, 1),
        Attempts(3, 3, 2),
        Attempts(4, 9, 1),
    ]

    await store.set_count(P0, 3, 1)
    await store.set_count(P0, 2, 0)
    assert sorted((await rows(store, P0))[P0], key=lambda a: a.first) == [Attempts(3, 3, 1), Attempts(4, 9, 1)]


async def test_groups_and_topics_are_apart(store: AttemptStore) -> None:
    await store.begin([Span(P0, 0, 9)])

    assert await store.begin([Span(OTHER, 0, 9)]) == {}
    await store.replace(OTHER, [])
    assert await rows(store, P0) == {P0: [Attempts(0, 9, 1)]}


async def _admin(database_url: str, statement: str) -> None:
    connection = await asyncpg.connect(make_url(database_url).set(drivername="postgresql").render_as_string(False))
    try:
        await connection.execute(statement)
    finally:
        await connection.close()
