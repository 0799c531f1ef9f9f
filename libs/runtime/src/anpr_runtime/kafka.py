"""Kafka clients built one way everywhere: idempotent producer, manual-commit consumers, topics."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from anpr_contracts import TopicSpec
from anpr_runtime.settings import ServiceSettings

MAX_MESSAGE_BYTES = 4 * 1024 * 1024


class _NoPayloads(logging.Filter):
    """aiokafka's producer logs every message value at DEBUG: plates and photos. Never let that through."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Sending (key=")


_PRODUCER_LOG = logging.getLogger("aiokafka.producer.producer")
if not any(isinstance(f, _NoPayloads) for f in _PRODUCER_LOG.filters):
    _PRODUCER_LOG.addFilter(_NoPayloads())


def new_producer(settings: ServiceSettings) -> AIOKafkaProducer:
    # acks=all + idempotence: a frame we answered 202 for is on the broker exactly once per send.
    return AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap,
        acks="all",
        enable_idempotence=True,
        max_request_size=MAX_MESSAGE_BYTES,
        linger_ms=5,
        request_timeout_ms=15000,
    )


def new_consumer(settings: ServiceSettings, *topics: str, group_id: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        *topics,
        bootstrap_servers=settings.kafka_bootstrap,
        group_id=group_id,
        enable_auto_commit=False,  # commit only after the work is durable
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=MAX_MESSAGE_BYTES + 64 * 1024,
        fetch_max_bytes=32 * 1024 * 1024,
        session_timeout_ms=10000,
        heartbeat_interval_ms=3000,
    )


async def ensure_topics(settings: ServiceSettings, specs: Iterable[TopicSpec]) -> None:
    """Create missing topics (auto-creation is off on our brokers); existing ones are left alone."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(settings.topic(spec.name), spec.partitions, 1, topic_configs=dict(spec.config))
            for spec in specs
            if settings.topic(spec.name) not in existing
        ]
        if missing:
            # Another service may create the same topic between our list and create.
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(missing)
    finally:
        await admin.close()


def kafka_check(producer: AIOKafkaProducer) -> Callable[[], Awaitable[None]]:
    async def check() -> None:
        await asyncio.wait_for(producer.client.fetch_all_metadata(), timeout=3)

    return check
