"""A message in flight when two consumer processes died is dead-lettered by the third, unread; one death
costs nobody a dead letter, and a process that stops gracefully leaves nothing behind. A process death is
a BaseException the runner does not catch (as SIGKILL runs no `except` or `finally`), with the attempt
store kept from one process to the next as the database keeps it."""

import contextlib
from collections.abc import Sequence

import pytest
from aiokafka import ConsumerRecord, TopicPartition

from anpr_runtime.consumer import ConsumerRunner, DeadLetters, Hooked, RetryPolicy
from anpr_runtime.poison import Attempts, FakeAttemptDatabase, FakeAttemptStore, PoisonGuard, Span, one_by_one

from .fakes import FakeConsumer, FakeProducer, a_record
from .test_consumer import run_until_drained

FAST = RetryPolicy(initial_seconds=0.001, max_seconds=0.005)
P0, P1 = TopicPartition("anpr.frames.v1", 0), TopicPartition("anpr.frames.v1", 1)


class Died(BaseException):
    """The process was killed (out of memory) while handling."""


class Pipeline:
    """Handles records, and dies on the offsets in `kills` (in a batch's prepare or alone) `times` times."""

    def __init__(self, kills: set[tuple[int, int]], times: int = 99) -> None:
        self.kills, self.times = kills, times
        self.handled: list[tuple[int, int]] = []
        self.prepared: list[list[tuple[int, int]]] = []
        self.deaths = 0

    def _maybe_die(self, where: Sequence[tuple[int, int]]) -> None:
        if self.deaths < self.times and self.kills & set(where):
            self.deaths += 1
            raise Died()

    async def prepare(self, records: Sequence[ConsumerRecord]) -> None:
        where = [(r.partition, r.offset) for r in records]
        self.prepared.append(where)
        self._maybe_die(where)

    async def handle(self, record: ConsumerRecord) -> None:
        self._maybe_die([(record.partition, record.offset)])
        self.handled.append((record.partition, record.offset))


async def a_life(
    pipeline: Pipeline, database: FakeAttemptDatabase, pending: list[ConsumerRecord], producer: FakeProducer
) -> list[ConsumerRecord]:
    """One consumer process over what is not committed yet; returns what is still not committed after it."""
    consumer = FakeConsumer(pending)
    runner = ConsumerRunner(
        consumer,
        Hooked(pipeline.handle, prepare=pipeline.prepare),
        DeadLetters(producer, "anpr.dlq.v1", "recognition"),
        "recognition",
        FAST,
        guard=PoisonGuard(FakeAttemptStore(database), "recognition"),
    )
    with contextlib.suppress(Died):
        await run_until_drained(runner, consumer)
    committed: dict[TopicPartition, int] = {}
    for commit in consumer.commits:
        committed.update(commit)
    return [r for r in pending if r.offset >= committed.get(TopicPartition(r.topic, r.partition), 0)]


def records(partition: int, count: int) -> list[ConsumerRecord]:
    return [a_record(offset, topic="anpr.frames.v1", partition=partition) for offset in range(count)]


async def test_a_message_that_killed_two_consumers_is_dead_lettered_and_the_next_ones_are_handled() -> None:
    database, producer = FakeAttemptDatabase(), FakeProducer()
    pipeline = Pipeline(kills={(0, 3)})
    pending = records(0, 6)

    pending = await a_life(pipeline, database, pending, producer)  # dies decoding the batch
    assert pipeline.deaths == 1
    pending = await a_life(pipeline, database, pending, producer)  # one by one: 0..2 handled, dies on 3 alone
    assert pipeline.deaths == 2
    assert pipeline.handled == [(0, 0), (0, 1), (0, 2)]
    pending = await a_life(pipeline, database, pending, producer)

    assert pipeline.deaths == 2, "no third death"
    assert pipeline.handled == [(0, 0), (0, 1), (0, 2), (0, 4), (0, 5)]
    assert pending == []
    [(topic, _, _, headers)] = producer.sent
    fields = dict(headers)
    assert topic == "anpr.dlq.v1"
    assert fields["dlq.offset"] == b"3"
    assert fields["dlq.error_type"] == b"PoisonMessage"
    assert b"2 consumer processes of group recognition died" in fields["dlq.reason"]
    assert database.attempts() == {}, "everything finished is crossed off"


async def test_one_death_dead_letters_nothing_and_batches_come_back_after_the_suspect_range() -> None:
    database, producer = FakeAttemptDatabase(), FakeProducer()
    pipeline = Pipeline(kills={(0, 2)}, times=1)  # an unrelated crash: the message is fine

    pending = await a_life(pipeline, database, records(0, 4), producer)
    pipeline.prepared.clear()
    pending = await a_life(pipeline, database, pending, producer)

    assert pending == []
    assert producer.sent == []
    assert pipeline.handled == [(0, 0), (0, 1), (0, 2), (0, 3)]
    assert pipeline.prepared == [], "the range a process died with is not decoded as a batch again"

    await a_life(pipeline, database, [a_record(4, topic="anpr.frames.v1")], producer)
    assert pipeline.prepared == [[(0, 4)]], "the next poll is a batch again"
    assert database.attempts() == {}


async def test_a_death_on_one_partition_leaves_the_others_batched() -> None:
    database, producer = FakeAttemptDatabase(), FakeProducer()
    pipeline = Pipeline(kills={(0, 1)}, times=1)

    pending = await a_life(pipeline, database, records(0, 3), producer)
    pipeline.prepared.clear()
    await a_life(pipeline, database, pending + records(1, 3), producer)  # partition 1 was not in flight

    assert pipeline.prepared == [[(1, 0), (1, 1), (1, 2)]]
    assert sorted(pipeline.handled) == [(p, o) for p in (0, 1) for o in range(3)]
    assert producer.sent == []


async def test_a_partition_taken_over_from_a_live_consumer_is_no_death() -> None:
    database, producer = FakeAttemptDatabase(), FakeProducer()
    await FakeAttemptStore(database).begin([Span(P0, 0, 2)])  # another instance, still handling them
    pipeline = Pipeline(kills=set())

    await a_life(pipeline, database, records(0, 3), producer)

    assert pipeline.prepared == [[(0, 0), (0, 1), (0, 2)]], "read as a batch, not one by one"
    assert producer.sent == []


async def test_a_graceful_run_leaves_no_attempts() -> None:
    database, producer = FakeAttemptDatabase(), FakeProducer()
    pipeline = Pipeline(kills=set())

    await a_life(pipeline, database, records(0, 5) + records(1, 2), producer)

    assert database.attempts() == {}
    assert len(pipeline.handled) == 7


async def test_the_guard_fails_open_when_its_store_is_away() -> None:
    database, producer = FakeAttemptDatabase(), FakeProducer()
    database.error = ConnectionRefusedError()
    pipeline = Pipeline(kills=set())

    pending = await a_life(pipeline, database, records(0, 3), producer)

    assert pending == []
    assert pipeline.handled == [(0, 0), (0, 1), (0, 2)]


@pytest.mark.parametrize(
    ("rows", "offsets", "expected"),
    [
        ([Attempts(0, 9, 1)], [0, 1, 2], [Attempts(0, 0, 1), Attempts(1, 1, 1), Attempts(2, 2, 1), Attempts(3, 9, 1)]),
        ([Attempts(3, 3, 2), Attempts(4, 5, 1)], [3, 4, 5], [Attempts(3, 3, 2), Attempts(4, 4, 1), Attempts(5, 5, 1)]),
        ([Attempts(5, 7, 1)], [3, 4, 5], [Attempts(5, 5, 1), Attempts(6, 7, 1)]),
    ],
)
def test_a_death_range_is_split_into_one_row_per_fetched_offset(
    rows: list[Attempts], offsets: list[int], expected: list[Attempts]
) -> None:
    assert one_by_one(rows, offsets) == expected
