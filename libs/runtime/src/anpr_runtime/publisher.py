import asyncio
import logging
from collections.abc import Callable, Sequence
from typing import Any

from aiokafka import AIOKafkaProducer
from aiokafka.errors import OutOfOrderSequenceNumber
from aiokafka.producer.transaction_manager import NO_PRODUCER_EPOCH, NO_PRODUCER_ID, PidAndEpoch
from aiokafka.util import create_future
from pydantic import BaseModel

from anpr_contracts import event_to_bytes
from anpr_runtime.correlation import CORRELATION_HEADER, CORRELATION_ID, EVENT_ID_HEADER, EVENT_TYPE_HEADER
from anpr_runtime.errors import RetriableError
from anpr_runtime.partitioner import kafka_default_partitioner

log = logging.getLogger(__name__)


def correlated(event: BaseModel) -> BaseModel:
    """The event with the correlation id of the work in hand, unless its maker chose one on purpose.

    An envelope nobody gave a correlation id to got a fresh one by default; an event made while handling
    a message or a request belongs to that message's or request's chain instead.
    """
    current = CORRELATION_ID.get()
    if current is None or "correlation_id" in event.model_fields_set or not hasattr(event, "correlation_id"):
        return event
    return event.model_copy(update={"correlation_id": current})


def envelope_headers(event: BaseModel) -> list[tuple[str, bytes]]:
    """Kafka headers with the envelope's ids: consumers bind them without parsing the payload."""
    headers = []
    for header, field in (
        (CORRELATION_HEADER, "correlation_id"),
        (EVENT_ID_HEADER, "event_id"),
        (EVENT_TYPE_HEADER, "event_type"),
    ):
        value = getattr(event, field, None)
        if value is not None:
            headers.append((header, str(value).encode()))
    return headers


Encoder = Callable[[BaseModel], bytes]


def _message(prefix: str, topic: str, key: str, event: BaseModel, encode: Encoder = event_to_bytes) -> dict[str, Any]:
    """The producer's arguments for an event: correlated, serialised, with the envelope ids as headers."""
    event = correlated(event)
    return {
        "topic": f"{prefix}{topic}",
        "value": encode(event),
        "key": key.encode(),
        "headers": envelope_headers(event),
    }


def _not_delivered(producer: AIOKafkaProducer, topic: str, exc: Exception) -> RetriableError:
    """Every producer failure means "not delivered, try again later"; a sequence the broker never stored
    also needs a new producer id first (see restart_idempotence)."""
    if isinstance(exc, OutOfOrderSequenceNumber):
        restart_idempotence(producer)
    return RetriableError(f"could not publish to {topic}: {type(exc).__name__}")


async def _send_all(
    producer: AIOKafkaProducer, messages: Sequence[tuple[str, dict[str, Any]]]
) -> list[asyncio.Future[Any] | RetriableError]:
    """Hands every message to the producer without waiting for acknowledgements: per message the future of
    its acknowledgement, or why the producer's buffer refused it."""
    sent: list[asyncio.Future[Any] | RetriableError] = []
    for topic, message in messages:
        try:
            sent.append(await producer.send(**message))
        except Exception as exc:
            sent.append(_not_delivered(producer, topic, exc))
    return sent


async def _send_batched(
    producer: AIOKafkaProducer, topic: str, messages: Sequence[tuple[str, dict[str, Any]]]
) -> list[asyncio.Future[Any] | RetriableError]:
    """As `_send_all` for messages to one topic, written into one record batch per partition (the producer's
    own batch builder) and handed over a batch at a time: `producer.send` per message cost more of
    ingest's CPU per read than building the events. Each message's partition is the one `send` would
    choose (the same partitioner); a batch holds the messages of its partition in their order. A message
    too big for a batch of its own goes through `send`, which makes room for it."""
    try:
        partitions = sorted(await producer.partitions_for(topic))
    except Exception as exc:
        return [_not_delivered(producer, name, exc) for name, _ in messages]
    by_partition: dict[int, list[int]] = {}
    for n, (_, message) in enumerate(messages):
        by_partition.setdefault(kafka_default_partitioner(message["key"], partitions, partitions), []).append(n)
    sent: list[asyncio.Future[Any] | RetriableError | None] = [None] * len(messages)
    for partition, numbers in by_partition.items():
        batch, members = producer.create_batch(), list[int]()
        for n in numbers:
            appended = _append(batch, messages[n][1])
            if not appended and members:  # full: send it, and this message opens the next one
                await _hand_over(producer, topic, partition, batch, members, sent)
                batch, members = producer.create_batch(), []
                appended = _append(batch, messages[n][1])
            if appended:
                members.append(n)
            else:  # larger than a batch
                sent[n] = (await _send_all(producer, [messages[n]]))[0]
        if members:
            await _hand_over(producer, topic, partition, batch, members, sent)
    assert all(delivery is not None for delivery in sent)
    return sent  # type: ignore[return-value]


def _append(batch: Any, message: dict[str, Any]) -> bool:
    """False when the batch is full (a BatchBuilder then closes itself)."""
    return (
        batch.append(timestamp=None, key=message["key"], value=message["value"], headers=message["headers"]) is not None
    )


async def _hand_over(
    producer: AIOKafkaProducer,
    topic: str,
    partition: int,
    batch: Any,
    members: list[int],
    sent: list[asyncio.Future[Any] | RetriableError | None],
) -> None:
    """The batch to the producer; each member message gets the batch's acknowledgement or its refusal."""
    delivery: asyncio.Future[Any] | RetriableError
    # Closed, the batch is sent at once: an open one waits out linger_ms for messages that `send` might
    # add to it (none: it is whole), a few ms of every batch's acknowledgement (aiokafka's remaining_linger).
    batch.close()
    try:
        delivery = await producer.send_batch(batch, topic, partition=partition)
    except Exception as exc:
        delivery = _not_delivered(producer, topic, exc)
    for n in members:
        sent[n] = delivery


class KafkaEventPublisher:
    """Publishes events and waits for the broker's acknowledgement (acks=all)."""

    def __init__(self, producer: AIOKafkaProducer, topic_prefix: str = "", encode: Encoder = event_to_bytes) -> None:
        """`encode`: the event's bytes on the topic; a faster encoder must give the same bytes."""
        self._producer = producer
        self._prefix = topic_prefix
        self._encode = encode

    async def publish(self, topic: str, key: str, event: BaseModel) -> None:
        try:
            await self._producer.send_and_wait(**_message(self._prefix, topic, key, event, self._encode))
        except Exception as exc:
            raise _not_delivered(self._producer, topic, exc) from exc
        log.debug("published %s", getattr(event, "event_type", type(event).__name__), extra={"topic": topic})

    async def publish_many(self, topic: str, keyed: Sequence[tuple[str, BaseModel]]) -> list[RetriableError | None]:
        """Every event handed to the producer before any acknowledgement is awaited, so they travel in a few
        requests instead of one round trip (and one task) each. Per event: None once acknowledged, else why
        it was not delivered."""
        messages = [(topic, _message(self._prefix, topic, key, event, self._encode)) for key, event in keyed]
        sent = await _send_batched(self._producer, f"{self._prefix}{topic}", messages)
        outcomes: list[RetriableError | None] = []
        for delivery in sent:
            if isinstance(delivery, RetriableError):
                outcomes.append(delivery)
                continue
            try:
                await delivery
                outcomes.append(None)
            except Exception as exc:
                outcomes.append(_not_delivered(self._producer, topic, exc))
        return outcomes


class DeferredPublisher:
    """Holds events until `flush`, which sends them all and waits for every acknowledgement. For a batch
    handled in one transaction: what fails before the flush published nothing, and a flush before the
    commit means what the transaction records was really published."""

    def __init__(self, producer: AIOKafkaProducer, topic_prefix: str = "") -> None:
        self._producer = producer
        self._prefix = topic_prefix
        self._held: list[tuple[str, dict[str, Any]]] = []

    async def publish(self, topic: str, key: str, event: BaseModel) -> None:
        self._held.append((topic, _message(self._prefix, topic, key, event)))

    async def flush(self) -> None:
        held, self._held = self._held, []
        by_topic: dict[str, list[tuple[str, dict[str, Any]]]] = {}
        for topic, message in held:
            by_topic.setdefault(message["topic"], []).append((topic, message))
        pending: dict[asyncio.Future[Any], None] = {}  # the members of one record batch share its future
        # A record batch per partition, as publish_many: a consumed batch's candidates were one
        # `producer.send` each (py-spy under anpr bench pipeline: send's per-message work in rules).
        for topic, messages in by_topic.items():
            for delivery in await _send_batched(self._producer, topic, messages):
                if isinstance(delivery, RetriableError):
                    raise delivery
                pending[delivery] = None
        try:
            await asyncio.gather(*pending)
        except Exception as exc:
            raise _not_delivered(self._producer, "the batch's topics", exc) from exc


def restart_idempotence(producer: AIOKafkaProducer) -> None:
    """Forget the producer id, so the next batch asks the broker for a new one and every partition starts
    again at sequence 0 (what the Java client does since KIP-360).

    After a broker restart, aiokafka 0.14 can hold sequence numbers for a partition that the broker never
    appended; it then gets OUT_OF_ORDER_SEQUENCE_NUMBER for that partition forever, and a consumer that
    publishes there (rules: candidates) retries the same message forever: its partition stalls. Found by
    the fault-injection suite (tests/faults). aiokafka has no public call for this, hence its internals
    (pinned in uv.lock; tests/integration/test_publisher_recovery.py fails if they change)."""
    manager = producer._txn_manager
    if manager is None or manager.transactional_id is not None:
        return  # not idempotent, or transactional: a new id would break the transaction's fencing
    manager._pid_and_epoch = PidAndEpoch(NO_PRODUCER_ID, NO_PRODUCER_EPOCH)
    manager._sequence_numbers.clear()
    manager._pid_waiter = create_future()


class FakeEventPublisher:
    """In-memory publisher for unit tests; applies the same correlation rule as the real one."""

    def __init__(self) -> None:
        self.published: list[tuple[str, str, BaseModel]] = []

    async def publish(self, topic: str, key: str, event: BaseModel) -> None:
        self.published.append((topic, key, correlated(event)))

    async def publish_many(self, topic: str, keyed: Sequence[tuple[str, BaseModel]]) -> list[RetriableError | None]:
        """One `publish` per event, so a subclass that refuses some events refuses them here too."""
        outcomes: list[RetriableError | None] = []
        for key, event in keyed:
            try:
                await self.publish(topic, key, event)
                outcomes.append(None)
            except RetriableError as exc:
                outcomes.append(exc)
        return outcomes
