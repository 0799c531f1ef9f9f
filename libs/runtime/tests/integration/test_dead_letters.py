"""Against the real broker: a permanent failure is dead-lettered with its origin, and the loop goes on."""

import asyncio
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition

from anpr_contracts import DLQ, READS, TOPICS, parse_event
from anpr_runtime import PermanentError
from anpr_runtime.consumer import ConsumerRunner, DeadLetters, RetryPolicy
from anpr_runtime.kafka import ensure_topics, new_consumer, new_producer
from anpr_runtime.settings import ServiceSettings


async def test_permanent_error_goes_to_dead_letters_and_the_next_message_is_handled(
    isolated: Callable[..., Any],
) -> None:
    settings: ServiceSettings = isolated(ServiceSettings)
    await ensure_topics(settings, TOPICS)
    topic = settings.topic(READS.name)
    producer = new_producer(settings)
    await producer.start()
    handled: list[bytes] = []
    partitions: set[TopicPartition] = set()
    failures = 0

    async def handle(record: ConsumerRecord[bytes, bytes]) -> None:
        nonlocal failures
        partitions.add(TopicPartition(record.topic, record.partition))
        if record.value == b"flaky" and failures < 2:
            failures += 1
            raise ConnectionResetError("database went away")  # retriable: retried, not dead-lettered
        if record.value == b"not an event":
            parse_event(record.value)  # raises ContractError: permanent
        if record.value == b"refused":
            raise PermanentError("refused by the domain")
        handled.append(record.value or b"")

    try:
        for value in (b"first", b"not an event", b"flaky", b"refused", b"last"):
            await producer.send_and_wait(topic, value, key=b"same-partition")
        consumer = new_consumer(settings, topic, group_id=settings.consumer_group)
        await consumer.start()
        runner = ConsumerRunner(
            consumer,
            handle,
            DeadLetters(producer, settings.topic(DLQ.name), settings.consumer_group),
            settings.consumer_group,
            RetryPolicy(initial_seconds=0.05, max_seconds=0.2),
        )
        task = asyncio.create_task(runner.run())
        deadline = asyncio.get_running_loop().time() + 30
        while b"last" not in handled and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.1)
        runner.stop()
        await asyncio.wait_for(task, 10)
        assert len(partitions) == 1, "one key: one partition"
        committed = await consumer.committed(partitions.pop())
        await consumer.stop()
        dead = await _read_all(settings, settings.topic(DLQ.name), expected=2)
    finally:
        await producer.stop()

    assert handled == [b"first", b"flaky", b"last"]
    assert failures == 2
    assert committed == 5, "every message, dead-lettered or handled, is committed"
    assert [d.value for d in dead] == [b"not an event", b"refused"]
    headers = dict(dead[1].headers)
    assert headers["dlq.topic"] == topic.encode()
    assert headers["dlq.offset"] == b"3"
    assert headers["dlq.error_type"] == b"PermanentError"
    assert b"refused by the domain" in headers["dlq.reason"]


async def _read_all(settings: ServiceSettings, topic: str, expected: int) -> list[ConsumerRecord[bytes, bytes]]:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=settings.kafka_bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    found: list[ConsumerRecord[bytes, bytes]] = []
    try:
        deadline = asyncio.get_running_loop().time() + 20
        while len(found) < expected and asyncio.get_running_loop().time() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                found.extend(records)
    finally:
        await consumer.stop()
    return found


__all__ = ["AIOKafkaProducer"]
