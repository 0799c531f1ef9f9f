import asyncio
import dataclasses
import logging
from collections.abc import Sequence

import pytest
from aiokafka import ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError, KafkaConnectionError, KafkaTimeoutError
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError

from anpr_contracts import ContractError, parse_event
from anpr_runtime import Conflict, NotFound, PermanentError, RetriableError
from anpr_runtime.consumer import ConsumerRunner, DeadLetters, Hooked, RetryPolicy, default_error_policy

from .fakes import FakeConsumer, FakeProducer, a_record

FAST = RetryPolicy(initial_seconds=0.001, max_seconds=0.005, max_attempts_for_unknown=3)
TP = TopicPartition("anpr.reads.v1", 0)


def a_contract_error() -> ContractError:
    try:
        parse_event(b'{"event_type": "nonsense"}')
    except ContractError as exc:
        return exc
    raise AssertionError("parse_event accepted nonsense")


# default_error_policy


@pytest.mark.parametrize(
    "exc",
    [
        PermanentError("bad input"),
        NotFound("no camera"),
        Conflict("exists"),
        a_contract_error(),
        ValueError("bad value"),
        UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
    ],
)
def test_permanent_errors_are_dead_lettered(exc: BaseException) -> None:
    assert default_error_policy(exc) == "dead_letter"


@pytest.mark.parametrize(
    "exc",
    [
        RetriableError("publish failed"),
        OperationalError("SELECT 1", {}, Exception("server closed the connection")),
        InterfaceError("SELECT 1", {}, Exception("connection is closed")),
        DBAPIError("SELECT 1", {}, Exception("gone"), connection_invalidated=True),
        KafkaConnectionError(),
        KafkaTimeoutError(),
        ConnectionRefusedError(),
        TimeoutError(),
        OSError("network unreachable"),
    ],
)
def test_transient_errors_are_retried(exc: BaseException) -> None:
    assert default_error_policy(exc) == "retry"


@pytest.mark.parametrize(
    "exc",
    [
        RuntimeError("bug"),
        KeyError("missing"),
        AttributeError("typo"),
        IntegrityError("INSERT", {}, Exception("duplicate key")),
        DBAPIError("SELECT 1", {}, Exception("odd"), connection_invalidated=False),
    ],
)
def test_unforeseen_errors_are_retried_a_few_times(exc: BaseException) -> None:
    assert default_error_policy(exc) == "retry_limited"


# RetryPolicy


def test_delay_doubles_from_the_initial_value() -> None:
    policy = RetryPolicy(initial_seconds=0.2, max_seconds=10.0)
    assert [policy.delay(attempt) for attempt in (1, 2, 3, 4)] == pytest.approx([0.2, 0.4, 0.8, 1.6])


def test_delay_is_capped() -> None:
    policy = RetryPolicy(initial_seconds=0.2, max_seconds=10.0)
    assert policy.delay(7) == 10.0
    assert policy.delay(60) == 10.0


def test_delay_stays_capped_during_a_long_outage() -> None:
    assert RetryPolicy().delay(1025) == 10.0


# ConsumerRunner


class ScriptedHandler:
    """Raises the scripted errors of an offset one per call, then succeeds; `always` keeps failing."""

    def __init__(
        self,
        log: list[str],
        failures: dict[int, list[BaseException]] | None = None,
        always: dict[int, BaseException] | None = None,
    ) -> None:
        self.log = log
        self.failures = failures or {}
        self.always = always or {}
        self.calls = 0
        self.called = asyncio.Event()

    async def __call__(self, record: ConsumerRecord[bytes, bytes]) -> None:
        self.calls += 1
        self.called.set()
        where = f"{record.partition}@{record.offset}"
        pending = self.failures.get(record.offset)
        exc = pending.pop(0) if pending else self.always.get(record.offset)
        if exc is not None:
            self.log.append(f"fail {where}")
            raise exc
        self.log.append(f"ok {where}")


def a_runner(
    consumer: FakeConsumer, handler: ScriptedHandler, producer: FakeProducer, retry: RetryPolicy = FAST
) -> ConsumerRunner:
    dead_letters = DeadLetters(producer, "anpr.dlq.v1", "rules")
    return ConsumerRunner(consumer, handler, dead_letters, "rules", retry)


async def run_until_drained(runner: ConsumerRunner, consumer: FakeConsumer) -> None:
    """Run the loop until the fake has nothing left, then stop it; a crash of the loop is raised here."""
    task = asyncio.create_task(runner.run())
    drained = asyncio.create_task(consumer.drained.wait())
    await asyncio.wait({task, drained}, timeout=5, return_when=asyncio.FIRST_COMPLETED)
    drained.cancel()
    runner.stop()
    await asyncio.wait_for(task, timeout=5)


async def test_permanent_error_goes_to_dead_letters_and_the_next_record_is_handled(producer: FakeProducer) -> None:
    log: list[str] = []
    consumer = FakeConsumer([a_record(0, b"broken"), a_record(1)], log)
    handler = ScriptedHandler(log, always={0: PermanentError("plate 72VGX6 has no location")})

    await run_until_drained(a_runner(consumer, handler, producer), consumer)

    assert log == ["fail 0@0", "ok 0@1", "commit anpr.reads.v1[0]@2"]
    assert consumer.commits == [{TP: 2}]
    [(topic, value, key, headers)] = producer.sent
    assert (topic, value, key) == ("anpr.dlq.v1", b"broken", b"key")
    assert dict(headers) == {
        "dlq.topic": b"anpr.reads.v1",
        "dlq.partition": b"0",
        "dlq.offset": b"0",
        "dlq.group": b"rules",
        "dlq.error_type": b"PermanentError",
        "dlq.reason": b"plate 72VGX6 has no location",
    }


async def test_contract_error_is_dead_lettered_at_once(producer: FakeProducer) -> None:
    log: list[str] = []
    consumer = FakeConsumer([a_record(0, b"not json")], log)
    handler = ScriptedHandler(log, always={0: a_contract_error()})

    await run_until_drained(a_runner(consumer, handler, producer), consumer)

    assert handler.calls == 1
    assert [dict(headers)["dlq.error_type"] for *_, headers in producer.sent] == [b"ContractError"]
    assert consumer.commits == [{TP: 1}]


async def test_retriable_error_is_retried_and_committed_only_after_success(producer: FakeProducer) -> None:
    log: list[str] = []
    consumer = FakeConsumer([a_record(0)], log)
    handler = ScriptedHandler(log, {0: [RetriableError("database down"), RetriableError("database down")]})

    await run_until_drained(a_runner(consumer, handler, producer), consumer)

    assert log == ["fail 0@0", "fail 0@0", "ok 0@0", "commit anpr.reads.v1[0]@1"]
    assert consumer.commits == [{TP: 1}]
    assert producer.sent == []


async def test_unforeseen_error_is_dead_lettered_after_a_few_tries(producer: FakeProducer) -> None:
    log: list[str] = []
    consumer = FakeConsumer([a_record(0), a_record(1)], log)
    handler = ScriptedHandler(log, always={0: KeyError("bug")})

    await run_until_drained(a_runner(consumer, handler, producer), consumer)

    assert log == ["fail 0@0", "fail 0@0", "fail 0@0", "ok 0@1", "commit anpr.reads.v1[0]@2"]
    assert [dict(headers)["dlq.error_type"] for *_, headers in producer.sent] == [b"KeyError"]


async def test_stop_during_retries_leaves_the_record_uncommitted(producer: FakeProducer) -> None:
    log: list[str] = []
    consumer = FakeConsumer([a_record(0), a_record(1)], log)
    handler = ScriptedHandler(log, always={0: RetriableError("database down")})
    patient = RetryPolicy(initial_seconds=60, max_seconds=60)
    runner = a_runner(consumer, handler, producer, patient)

    task = asyncio.create_task(runner.run())
    await asyncio.wait_for(handler.called.wait(), timeout=5)
    runner.stop()
    await asyncio.wait_for(task, timeout=1)  # the backoff wait ends at once

    assert log == ["fail 0@0"]
    assert consumer.commits == []
    assert producer.sent == []


async def test_stop_during_retries_commits_the_records_finished_before(producer: FakeProducer) -> None:
    log: list[str] = []
    consumer = FakeConsumer([a_record(0), a_record(1), a_record(2)], log)
    handler = ScriptedHandler(log, always={1: RetriableError("database down")})
    runner = a_runner(consumer, handler, producer, RetryPolicy(initial_seconds=60, max_seconds=60))

    task = asyncio.create_task(runner.run())
    while handler.calls < 2:
        await asyncio.sleep(0.001)
    runner.stop()
    await asyncio.wait_for(task, timeout=1)

    assert log == ["ok 0@0", "fail 0@1", "commit anpr.reads.v1[0]@1"]
    assert consumer.commits == [{TP: 1}]


async def test_without_a_batch_hook_each_partition_is_committed_on_its_own(producer: FakeProducer) -> None:
    log: list[str] = []
    records = [a_record(5, partition=0), a_record(6, partition=0), a_record(9, partition=2)]
    consumer = FakeConsumer(records, log)

    await run_until_drained(a_runner(consumer, ScriptedHandler(log), producer), consumer)

    assert consumer.commits == [{TP: 7}, {TopicPartition("anpr.reads.v1", 2): 10}]


@pytest.mark.parametrize(
    "lost", [CommitFailedError("rebalanced"), IllegalStateError("Partition is not assigned")], ids=type
)
async def test_commit_lost_to_a_rebalance_does_not_stop_the_loop(
    producer: FakeProducer, caplog: pytest.LogCaptureFixture, lost: Exception
) -> None:
    log: list[str] = []
    consumer = FakeConsumer([a_record(0)], log)
    consumer.commit_error = lost
    runner = a_runner(consumer, ScriptedHandler(log), producer)

    with caplog.at_level(logging.WARNING, logger="anpr_runtime.consumer"):
        await run_until_drained(runner, consumer)

    assert log == ["ok 0@0"]
    assert "rebalance" in caplog.text
    await runner.alive_check()()


async def test_dead_letter_topic_down_crashes_the_loop_visibly(producer: FakeProducer) -> None:
    log: list[str] = []
    consumer = FakeConsumer([a_record(0)], log)
    producer.error = KafkaConnectionError()
    runner = a_runner(consumer, ScriptedHandler(log, always={0: PermanentError("bad")}), producer)

    with pytest.raises(KafkaConnectionError):
        await asyncio.wait_for(runner.run(), timeout=5)

    assert consumer.commits == []
    with pytest.raises(RuntimeError, match="KafkaConnectionError"):
        await runner.alive_check()()


async def test_plate_text_stays_out_of_the_logs_but_in_the_dead_letter(
    producer: FakeProducer, caplog: pytest.LogCaptureFixture
) -> None:
    log: list[str] = []
    consumer = FakeConsumer([a_record(0)], log)
    handler = ScriptedHandler(log, always={0: PermanentError("plate 72VGX6 unknown")})

    with caplog.at_level(logging.DEBUG, logger="anpr_runtime.consumer"):
        await run_until_drained(a_runner(consumer, handler, producer), consumer)

    assert "72VGX6" not in caplog.text
    assert b"72VGX6" in dict(producer.sent[0][3])["dlq.reason"]


# The crash leaves the `_stopping.wait()` coroutine it had created unawaited.
@pytest.mark.filterwarnings("ignore:coroutine 'Event.wait' was never awaited:RuntimeWarning")
async def test_long_outage_is_retried_until_it_ends(producer: FakeProducer) -> None:
    log: list[str] = []
    consumer = FakeConsumer([a_record(0)], log)
    handler = ScriptedHandler(log, {0: [RetriableError("database down") for _ in range(1100)]})
    no_wait = RetryPolicy(initial_seconds=1e-9, max_seconds=0.0)

    await run_until_drained(a_runner(consumer, handler, producer, no_wait), consumer)

    assert consumer.commits == [{TP: 1}]


class BatchScript:
    """handle_batch that logs the offsets it did, or fails the whole batch when `fail` is set."""

    def __init__(self, log: list[str], fail: BaseException | None = None) -> None:
        self.log, self.fail = log, fail

    async def __call__(self, records: Sequence[ConsumerRecord[bytes, bytes]]) -> None:
        if self.fail is not None:
            self.log.append(f"batch failed {len(records)}")
            raise self.fail
        self.log.append("batch " + ",".join(str(r.offset) for r in records))


async def test_a_handled_batch_is_committed_at_its_last_offset_without_single_handling(
    producer: FakeProducer,
) -> None:
    log: list[str] = []
    consumer = FakeConsumer([a_record(0), a_record(1), a_record(2)], log)
    single = ScriptedHandler(log)
    runner = a_runner(consumer, Hooked(single, handle_batch=BatchScript(log)), producer)  # type: ignore[arg-type]

    await run_until_drained(runner, consumer)

    assert log == ["batch 0,1,2", "commit anpr.reads.v1[0]@3"]
    assert single.calls == 0


async def test_a_failed_batch_is_handled_record_by_record_with_retries_and_dead_letters(
    producer: FakeProducer,
) -> None:
    log: list[str] = []
    consumer = FakeConsumer([a_record(0), a_record(1, b"broken"), a_record(2)], log)
    single = ScriptedHandler(log, always={1: PermanentError("bad read")})
    hooked = Hooked(single, handle_batch=BatchScript(log, fail=PermanentError("bad read in the batch")))
    runner = a_runner(consumer, hooked, producer)  # type: ignore[arg-type]

    await run_until_drained(runner, consumer)

    assert log == ["batch failed 3", "ok 0@0", "fail 0@1", "ok 0@2", "commit anpr.reads.v1[0]@3"]
    assert [dict(headers)["dlq.offset"] for *_, headers in producer.sent] == [b"1"]


async def test_a_single_record_is_never_handled_as_a_batch(producer: FakeProducer) -> None:
    log: list[str] = []
    consumer = FakeConsumer([a_record(0)], log)
    runner = a_runner(consumer, Hooked(ScriptedHandler(log), handle_batch=BatchScript(log)), producer)  # type: ignore[arg-type]

    await run_until_drained(runner, consumer)

    assert log == ["ok 0@0", "commit anpr.reads.v1[0]@1"]


async def test_everything_one_poll_fetched_is_one_batch_and_one_commit(producer: FakeProducer) -> None:
    log: list[str] = []
    records = [a_record(5, partition=0), a_record(6, partition=0), a_record(9, partition=2)]
    consumer = FakeConsumer(records, log)
    runner = a_runner(consumer, Hooked(ScriptedHandler(log), handle_batch=BatchScript(log)), producer)  # type: ignore[arg-type]

    await run_until_drained(runner, consumer)

    assert log[0] == "batch 5,6,9"
    assert consumer.commits == [{TP: 7, TopicPartition("anpr.reads.v1", 2): 10}]


def test_a_batch_counts_each_event_type_from_headers_or_body() -> None:
    from anpr_runtime.consumer import _kinds

    def with_type(offset: int, event_type: bytes) -> ConsumerRecord:
        record = a_record(offset, b'{"event_type": "ignored.when.headers.say"}')
        return dataclasses.replace(record, headers=[("correlation_id", b"c1"), ("event_type", event_type)])

    records = [
        *(with_type(n, b"plate.recognized") for n in range(3)),
        with_type(3, b"read.reevaluate"),
        with_type(4, b"not acceptable\n"),  # never a metric label
        a_record(5, b'{"event_type": "plate.recognized", "plate": "72VGX6"}'),  # no headers: from the body
        a_record(6, b"{}", topic="anpr.candidates.v1"),
    ]

    assert _kinds(records) == {
        ("anpr.reads.v1", "plate.recognized"): 4,
        ("anpr.reads.v1", "read.reevaluate"): 1,
        ("anpr.reads.v1", None): 1,
        ("anpr.candidates.v1", None): 1,
    }
