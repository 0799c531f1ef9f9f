"""Against the real broker: `publish_many` writes the events of each partition into record batches of its
own; every event lands on the partition `producer.send` would have chosen, in order, with its headers, and
batches that fill up (or an event too big for one) are split without losing or reordering anything."""

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from anpr_contracts import CANDIDATES, READS, PlateRecognized, ReadSource, parse_event
from anpr_runtime.kafka import ensure_topics, new_producer
from anpr_runtime.publisher import DeferredPublisher, KafkaEventPublisher
from anpr_runtime.settings import ServiceSettings


def a_read(n: int, evidence: bytes | None = None) -> PlateRecognized:
    return PlateRecognized(
        source=ReadSource.SCAN_CAR,
        location_id="l",
        observed_at=datetime(2026, 5, 1, tzinfo=UTC),
        plate=f"GH{n:04d}K",
        confidence=1,
        plate_jpeg=evidence,
    )


async def _consume(settings: ServiceSettings, topic: str, expected: int) -> dict[int, list[Any]]:
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap, enable_auto_commit=False)
    await consumer.start()
    found: dict[int, list[Any]] = {}
    try:
        partitions = [TopicPartition(topic, p) for p in range(READS.partitions)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        while sum(map(len, found.values())) < expected:
            batches = await consumer.getmany(timeout_ms=5000)
            assert batches, "the broker holds fewer events than were acknowledged"
            for tp, records in batches.items():
                found.setdefault(tp.partition, []).extend(records)
    finally:
        await consumer.stop()
    return found


async def test_many_events_land_where_send_would_put_them_in_order(isolated: Callable[..., Any]) -> None:
    settings: ServiceSettings = isolated(ServiceSettings)
    await ensure_topics(settings, [READS])
    producer = new_producer(settings)
    await producer.start()
    publisher = KafkaEventPublisher(producer, settings.topic_prefix)
    topic = settings.topic(READS.name)
    # 600 reads of ~4 KiB: each partition's share (~800 KiB) fills more than one 512 KiB batch. One event of
    # 600 KiB is bigger than a batch: it must still arrive, in its place.
    reads = [a_read(n, b"\xff\xd8" + bytes(3000)) for n in range(600)]
    reads.insert(300, a_read(9999, b"\xff\xd8" + bytes(600 * 1024)))
    keyed = [(f"vehicle-{n % 97}", read) for n, read in enumerate(reads)]
    try:
        outcomes = await publisher.publish_many(READS.name, keyed)
        # One probe per vehicle through `send`: where the producer itself puts that key.
        probes = {
            key: (await producer.send_and_wait(topic, b"probe", key=key.encode())).partition for key in dict(keyed)
        }
    finally:
        await producer.stop()

    assert outcomes == [None] * len(keyed)
    found = await _consume(settings, topic, len(keyed) + len(probes))
    for partition, records in found.items():
        events = [(r.key.decode(), parse_event(r.value), dict(r.headers)) for r in records if r.value != b"probe"]
        assert all(probes[key] == partition for key, _, _ in events)  # where send put the same key
        sent_here = [(key, read) for key, read in keyed if probes[key] == partition]
        assert [(key, event) for key, event, _ in events] == sent_here  # all of them, once, in order
        assert all(headers["event_id"] == str(event.event_id).encode() for _, event, headers in events)


def counted(producer: AIOKafkaProducer) -> Counter[str]:
    """The real producer, counting how messages are handed to it (`send` one by one, `send_batch`)."""
    calls: Counter[str] = Counter()
    for name in ("send", "send_batch"):
        original = getattr(producer, name)

        async def counting(*args: Any, _name: str = name, _original: Any = original, **kwargs: Any) -> Any:
            calls[_name] += 1
            return await _original(*args, **kwargs)

        setattr(producer, name, counting)
    return calls


async def test_a_deferred_flush_sends_record_batches_in_order(isolated: Callable[..., Any]) -> None:
    settings: ServiceSettings = isolated(ServiceSettings)
    await ensure_topics(settings, [READS, CANDIDATES])
    assert READS.partitions == CANDIDATES.partitions  # so one probe per key says where it goes in both
    producer = new_producer(settings)
    await producer.start()
    calls = counted(producer)
    deferred = DeferredPublisher(producer, settings.topic_prefix)
    keyed = [(f"vehicle-{n % 31}", a_read(n)) for n in range(300)]
    try:
        for n, (key, read) in enumerate(keyed):  # two topics interleaved, as a batch's events may be
            await deferred.publish(READS.name if n % 2 else CANDIDATES.name, key, read)
        await deferred.flush()
        flushed = dict(calls)
        topic = settings.topic(READS.name)
        probes = {
            key: (await producer.send_and_wait(topic, b"probe", key=key.encode())).partition for key in dict(keyed)
        }
    finally:
        await producer.stop()

    # One record batch per topic and partition, not a send per event.
    assert flushed == {"send_batch": READS.partitions + CANDIDATES.partitions}
    for name, parity in ((READS.name, 1), (CANDIDATES.name, 0)):
        sent = [(key, read) for n, (key, read) in enumerate(keyed) if n % 2 == parity]
        found = await _consume(settings, settings.topic(name), len(sent) + (len(probes) if parity else 0))
        for partition, records in found.items():
            events = [(r.key.decode(), parse_event(r.value)) for r in records if r.value != b"probe"]
            assert all(probes[key] == partition for key, _ in events)  # where send puts the same key
            assert events == [(key, read) for key, read in sent if probes[key] == partition]  # once, in order


async def test_a_whole_batch_is_sent_at_once_not_after_the_linger(isolated: Callable[..., Any]) -> None:
    """A record batch we hand over is complete: the producer must not hold it for linger_ms in case `send`
    adds more (it waited 5 ms of every batch's acknowledgement in rules and ingest). A linger of 60 s
    makes the difference plain."""
    settings: ServiceSettings = isolated(ServiceSettings)
    await ensure_topics(settings, [READS])
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap, acks="all", linger_ms=60_000)
    await producer.start()
    publisher = KafkaEventPublisher(producer, settings.topic_prefix)
    try:
        outcomes = await asyncio.wait_for(
            publisher.publish_many(READS.name, [(f"vehicle-{n}", a_read(n)) for n in range(20)]), timeout=20
        )
    finally:
        await producer.stop()
    assert outcomes == [None] * 20
