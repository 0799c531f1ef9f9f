"""Against the real broker: an idempotent producer whose sequence numbers ran ahead of what the broker
appended (what a broker restart can leave behind) is refused with OUT_OF_ORDER_SEQUENCE_NUMBER; the
publisher then starts a new producer id, so the retry is delivered instead of failing forever."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from anpr_contracts import READS, TOPICS, PlateRecognized, ReadSource
from anpr_runtime import RetriableError
from anpr_runtime.kafka import ensure_topics, new_producer
from anpr_runtime.publisher import KafkaEventPublisher
from anpr_runtime.settings import ServiceSettings


async def test_a_sequence_gap_costs_one_retry_not_the_partition(isolated: Callable[..., Any]) -> None:
    settings: ServiceSettings = isolated(ServiceSettings)
    await ensure_topics(settings, TOPICS)
    producer = new_producer(settings)
    await producer.start()
    publisher = KafkaEventPublisher(producer, settings.topic_prefix)
    topic = settings.topic(READS.name)
    read = PlateRecognized(
        source=ReadSource.SCAN_CAR,
        location_id="l",
        observed_at=datetime(2026, 5, 1, tzinfo=UTC),
        plate="X1",
        confidence=1,
    )
    try:
        await publisher.publish(READS.name, "vehicle", read)
        metadata = await producer.send_and_wait(topic, b"probe", key=b"vehicle")
        partition = TopicPartition(topic, metadata.partition)
        producer._txn_manager.increment_sequence_number(partition, 5)  # sequence numbers the broker never saw

        with pytest.raises(RetriableError, match="OutOfOrderSequenceNumber"):
            await publisher.publish(READS.name, "vehicle", read)
        await publisher.publish(READS.name, "vehicle", read)
        await publisher.publish(READS.name, "vehicle", read)
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign([partition])
        await consumer.seek_to_beginning(partition)
        records = (await consumer.getmany(partition, timeout_ms=5000))[partition]
    finally:
        await consumer.stop()
    assert len(records) == 4  # the first read, the probe, the two publishes after the gap
