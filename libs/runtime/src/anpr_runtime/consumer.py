"""Consumer loop: at-least-once, manual commit after the handler's work is durable.

Retriable failures (broker, database or peer down) are retried with capped exponential backoff until
they succeed or the service stops, so nothing is lost. Permanent failures (bad input, contract errors)
and bugs that keep failing go to the dead-letter topic with the reason in headers; the loop goes on.
"""

import asyncio
import collections
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.errors import CommitFailedError, IllegalStateError, KafkaConnectionError, KafkaTimeoutError
from prometheus_client import Counter, Histogram
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from anpr_contracts import ContractError
from anpr_runtime.correlation import EVENT_TYPE_HEADER, bound, envelope_of
from anpr_runtime.errors import AnprError
from anpr_runtime.poison import PoisonGuard

log = logging.getLogger(__name__)

Handler = Callable[[ConsumerRecord[bytes, bytes]], Awaitable[None]]
Records = Sequence[ConsumerRecord[bytes, bytes]]
# Optional hooks a handler may carry (see Hooked):
# - `prepare(records)` gets each fetched batch of a partition first, to do work for all of it at once
#   (recognition reads the plates of several frames in one model call); the records are then handled one
#   by one as always, and what prepare could not do the handler does itself.
# - `handle_batch(records)` handles everything one poll fetched at once, all or nothing (rules and notices:
#   one transaction instead of one per message). The records of each partition keep their order; those of
#   different partitions follow each other. When it fails, the records are handled one by one, each with
#   its own retries and dead letter, as if the hook were not there.
PREPARE = "prepare"
HANDLE_BATCH = "handle_batch"


class Hooked:
    """A handler with the runner's optional hooks."""

    def __init__(
        self,
        handle: Handler,
        prepare: Callable[[Records], Awaitable[None]] | None = None,
        handle_batch: Callable[[Records], Awaitable[None]] | None = None,
    ) -> None:
        self.handle, self.prepare, self.handle_batch = handle, prepare, handle_batch

    async def __call__(self, record: ConsumerRecord[bytes, bytes]) -> None:
        await self.handle(record)


Verdict = Literal["retry", "retry_limited", "dead_letter"]
# Records per poll: the most a handle_batch gets at once. Recognition takes fewer (each is a photo).
DEFAULT_MAX_RECORDS = 500

PROCESSED = Counter("anpr_consumer_messages_total", "Messages handled", ["group", "topic", "outcome"])
PROCESS_TIME = Histogram(
    "anpr_consumer_process_seconds",
    "Time to handle one message, per handler (group) and event type",
    ["group", "topic", "event_type"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)


def default_error_policy(exc: BaseException) -> Verdict:
    if isinstance(exc, AnprError):
        return "retry" if exc.retriable else "dead_letter"
    if isinstance(exc, ContractError | ValueError):
        return "dead_letter"
    if isinstance(exc, OperationalError | InterfaceError | KafkaConnectionError | KafkaTimeoutError | OSError):
        return "retry"
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return "retry"
    return "retry_limited"  # a bug or an unforeseen case: a few tries, then the dead-letter topic


@dataclass(frozen=True)
class RetryPolicy:
    initial_seconds: float = 0.2
    max_seconds: float = 10.0
    # Unclassified bugs are retried this often before they are dead-lettered; retriable errors forever.
    max_attempts_for_unknown: int = 3

    def delay(self, attempt: int) -> float:
        # The exponent is capped too: an outage of hours must not overflow the float.
        return float(min(self.max_seconds, self.initial_seconds * 2 ** min(attempt - 1, 62)))


class DeadLetters:
    def __init__(self, producer: AIOKafkaProducer, topic: str, group: str) -> None:
        self._producer = producer
        self._topic = topic
        self._group = group

    async def send(self, record: ConsumerRecord[bytes, bytes], exc: BaseException) -> None:
        # The envelope headers stay (the correlation id still finds the dead letter); ours are added.
        kept = [(name, value) for name, value in record.headers or () if not name.startswith("dlq.")]
        headers = [
            *kept,
            ("dlq.topic", record.topic.encode()),
            ("dlq.partition", str(record.partition).encode()),
            ("dlq.offset", str(record.offset).encode()),
            ("dlq.group", self._group.encode()),
            ("dlq.error_type", type(exc).__name__.encode()),
            ("dlq.reason", str(exc)[:1000].encode()),
        ]
        await self._producer.send_and_wait(self._topic, record.value, key=record.key, headers=headers)


class ConsumerRunner:
    def __init__(
        self,
        consumer: AIOKafkaConsumer,
        handle: Handler,
        dead_letters: DeadLetters,
        group: str,
        retry: RetryPolicy = RetryPolicy(),
        error_policy: Callable[[BaseException], Verdict] = default_error_policy,
        max_records: int = DEFAULT_MAX_RECORDS,
        guard: PoisonGuard | None = None,
    ) -> None:
        self._consumer = consumer
        self._guard = guard
        self._handle = handle
        self._dead_letters = dead_letters
        self._group = group
        self._retry = retry
        self._error_policy = error_policy
        self._max_records = max_records
        self._stopping = asyncio.Event()
        self._crashed: BaseException | None = None

    def alive_check(self) -> Callable[[], Awaitable[None]]:
        async def check() -> None:
            if self._crashed is not None:
                raise RuntimeError(f"consumer loop stopped: {type(self._crashed).__name__}")

        return check

    def stop(self) -> None:
        """Finish the current message, commit, then leave the loop (graceful SIGTERM)."""
        self._stopping.set()

    async def run(self) -> None:
        try:
            await self._loop()
        except Exception as exc:
            self._crashed = exc
            raise
        finally:
            if self._guard is not None:
                await self._guard.close()

    async def _loop(self) -> None:
        while not self._stopping.is_set():
            batches = await self._consumer.getmany(timeout_ms=500, max_records=self._max_records)
            if not batches:
                continue
            if self._guard is None:
                await self._process_polled(batches)
                continue
            suspects = await self._guard.suspects(batches)
            usual = {tp: records for tp, records in batches.items() if tp not in suspects}
            try:
                await self._process_polled(usual)
                for partition, deaths in suspects.items():
                    if self._stopping.is_set():
                        break
                    await self._process_one_by_one(partition, batches[partition], deaths, self._guard)
            except Exception:
                # The loop itself failed (no process died): what it had in flight is no suspect.
                await self._guard.finish(usual)
                raise
            # Reached after a graceful stop too: only a process that dies leaves its attempts behind.
            await self._guard.finish(usual)

    async def _process_polled(self, batches: dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]) -> None:
        if len(batches) == 0:
            return
        if await self._process_fetched(batches):
            await self._commit({partition: records[-1].offset + 1 for partition, records in batches.items()})
            return
        for partition, records in batches.items():
            done = await self._process_partition(records)
            if done is not None:
                await self._commit({partition: done + 1})
            if self._stopping.is_set():
                break

    async def _process_one_by_one(
        self, partition: TopicPartition, records: Records, deaths: dict[int, int], guard: PoisonGuard
    ) -> None:
        """A range a process died with: each message written down alone, committed alone; one that was in
        flight in too many deaths is dead-lettered unread."""
        for record in records:
            if self._stopping.is_set():
                return
            died = deaths.get(record.offset, 0)
            if died >= guard.max_deaths:
                envelope = envelope_of(record.headers, record.value)
                with bound(correlation_id=envelope.get("correlation_id"), event_id=envelope.get("event_id")):
                    await self._dead_letter(record, envelope.get("event_type") or "unknown", guard.poison(died))
            else:
                await guard.start_one(partition, record.offset)
                if not await self._process(record):
                    await guard.abandon_one(partition, record.offset, died)
                    return
            await self._commit({partition: record.offset + 1})
            await guard.finish_one(partition, record.offset)

    async def _commit(self, offsets: dict[TopicPartition, int]) -> None:
        try:
            await self._consumer.commit(offsets)
        except (CommitFailedError, IllegalStateError):
            # The partition moved to another instance in a rebalance (aiokafka says IllegalStateError when
            # it was already revoked here, CommitFailedError when the group moved on); it will redeliver,
            # and our effects are idempotent, so nothing is lost or doubled. Found by tests/faults.
            log.warning("commit lost to a rebalance on %s", ", ".join(map(str, offsets)))

    async def _process_fetched(self, batches: dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]) -> bool:
        """True when the handler's handle_batch did everything fetched (then one commit covers it)."""
        if (prepare := getattr(self._handle, PREPARE, None)) is not None:
            for records in batches.values():
                try:
                    await prepare(records)
                except Exception as exc:  # an optimisation only: each record is still handled on its own
                    log.warning("preparing a batch of %d failed: %s", len(records), _describe(exc))
        fetched = [record for records in batches.values() for record in records]
        return len(fetched) > 1 and await self._process_batch(fetched)

    async def _process_partition(self, records: list[ConsumerRecord[bytes, bytes]]) -> int | None:
        last_done = None
        for record in records:
            if self._stopping.is_set() or not await self._process(record):
                break
            last_done = record.offset
        return last_done

    async def _process_batch(self, records: list[ConsumerRecord[bytes, bytes]]) -> bool:
        """True when the handler's handle_batch did the whole batch; False (nothing done) otherwise."""
        handle_batch = getattr(self._handle, HANDLE_BATCH, None)
        if handle_batch is None or self._stopping.is_set():
            return False
        started = time.perf_counter()
        try:
            await handle_batch(records)
        except Exception as exc:
            log.info("a batch of %d failed (%s): handling its records one by one", len(records), _describe(exc))
            return False
        share = (time.perf_counter() - started) / len(records)
        for (topic, event_type), n in _kinds(records).items():
            timer = PROCESS_TIME.labels(self._group, topic, event_type or "unknown")
            for _ in range(n):
                timer.observe(share)
            PROCESSED.labels(self._group, topic, "ok").inc(n)
        return True

    async def _process(self, record: ConsumerRecord[bytes, bytes]) -> bool:
        """True when the record is finished (handled or dead-lettered); False when stopping mid-retry."""
        envelope = envelope_of(record.headers, record.value)
        with bound(correlation_id=envelope.get("correlation_id"), event_id=envelope.get("event_id")):
            return await self._attempt(record, envelope.get("event_type") or "unknown")

    async def _attempt(self, record: ConsumerRecord[bytes, bytes], event_type: str) -> bool:
        attempt = 0
        where = {"topic": record.topic, "partition": record.partition, "offset": record.offset}
        while True:
            attempt += 1
            started = time.perf_counter()
            try:
                await self._handle(record)
                elapsed = time.perf_counter() - started
                PROCESS_TIME.labels(self._group, record.topic, event_type).observe(elapsed)
                PROCESSED.labels(self._group, record.topic, "ok").inc()
                log.debug(
                    "handled %s", event_type, extra={**where, "event_type": event_type, "ms": round(elapsed * 1000, 2)}
                )
                return True
            except Exception as exc:
                verdict = self._error_policy(exc)
                if verdict == "dead_letter" or (
                    verdict == "retry_limited" and attempt >= self._retry.max_attempts_for_unknown
                ):
                    await self._dead_letter(record, event_type, exc)
                    return True
                log.info(
                    "retrying %s[%d]@%d after %s",
                    record.topic,
                    record.partition,
                    record.offset,
                    _describe(exc),
                    extra={**where, "event_type": event_type, "attempt": attempt, "error": _describe(exc)},
                )
                PROCESSED.labels(self._group, record.topic, "retry").inc()
                try:
                    await asyncio.wait_for(self._stopping.wait(), timeout=self._retry.delay(attempt))
                    return False
                except TimeoutError:
                    continue

    async def _dead_letter(self, record: ConsumerRecord[bytes, bytes], event_type: str, exc: BaseException) -> None:
        log.warning(
            "dead-lettering %s[%d]@%d: %s",
            record.topic,
            record.partition,
            record.offset,
            _describe(exc),
            extra={
                "topic": record.topic,
                "partition": record.partition,
                "offset": record.offset,
                "event_type": event_type,
                "error": _describe(exc),
            },
        )
        await self._dead_letters.send(record, exc)
        PROCESSED.labels(self._group, record.topic, "dead_letter").inc()


def _kinds(records: Records) -> collections.Counter[tuple[str, str | None]]:
    """How many records of each topic and event type. Grouped by the raw type header first, so the envelope
    is read once per distinct header rather than once per record (a fetched batch is mostly one type)."""
    by_header: collections.Counter[tuple[str, bytes]] = collections.Counter()
    kinds: collections.Counter[tuple[str, str | None]] = collections.Counter()
    for record in records:
        header = next((value for name, value in record.headers or () if name == EVENT_TYPE_HEADER), None)
        if header is None:  # a producer other than ours: the envelope from the body, as for any record
            kinds[record.topic, envelope_of(record.headers, record.value).get("event_type")] += 1
        else:
            by_header[record.topic, header] += 1
    for (topic, header), n in by_header.items():
        kinds[topic, envelope_of([(EVENT_TYPE_HEADER, header)], None).get("event_type")] += n
    return kinds


def _describe(exc: BaseException) -> str:
    # Exception text may quote input (plates): logs get the type only, the dead letter keeps the text.
    return type(exc).__name__


__all__ = ["ConsumerRunner", "DeadLetters", "RetryPolicy", "TopicPartition", "default_error_policy"]
