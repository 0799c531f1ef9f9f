"""Kafka clients built one way everywhere: idempotent producer, manual-commit consumers, topics, and the
same connection security (TLS, SASL) for every one of them."""

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.helpers import create_ssl_context

from anpr_contracts import TopicSpec
from anpr_runtime.partitioner import kafka_default_partitioner
from anpr_runtime.settings import ServiceSettings

MAX_MESSAGE_BYTES = 4 * 1024 * 1024
MAX_BATCH_BYTES = 512 * 1024


class _NoPayloads(logging.Filter):
    """aiokafka's producer logs every message value at DEBUG: plates and photos. Never let that through."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Sending (key=")


_PRODUCER_LOG = logging.getLogger("aiokafka.producer.producer")
if not any(isinstance(f, _NoPayloads) for f in _PRODUCER_LOG.filters):
    _PRODUCER_LOG.addFilter(_NoPayloads())


def connection_options(settings: ServiceSettings) -> dict[str, Any]:
    """Where the brokers are and how to talk to them securely: given to every client we build."""
    protocol = settings.kafka_security_protocol
    options: dict[str, Any] = {"bootstrap_servers": settings.kafka_bootstrap, "security_protocol": protocol}
    if protocol in ("SSL", "SASL_SSL"):
        key_password = settings.kafka_ssl_key_password
        options["ssl_context"] = create_ssl_context(
            cafile=settings.kafka_ssl_cafile,  # None: the system's trusted CAs
            certfile=settings.kafka_ssl_certfile,
            keyfile=settings.kafka_ssl_keyfile,
            password=key_password.get_secret_value() if key_password else None,
        )
    if protocol.startswith("SASL_"):
        assert settings.kafka_sasl_password is not None  # the settings refuse SASL without one
        options["sasl_mechanism"] = settings.kafka_sasl_mechanism
        # aiokafka takes these names for SCRAM as well as PLAIN.
        options["sasl_plain_username"] = settings.kafka_sasl_username
        options["sasl_plain_password"] = settings.kafka_sasl_password.get_secret_value()
    return options


def new_producer(settings: ServiceSettings) -> AIOKafkaProducer:
    # acks=all + idempotence: a frame we answered 202 for is on the broker exactly once per send.
    return AIOKafkaProducer(
        **connection_options(settings),
        acks="all",
        enable_idempotence=True,
        max_request_size=MAX_MESSAGE_BYTES,
        linger_ms=5,
        # Up to this much per partition in one record batch (the default, 16 KiB, holds some 25 reads, and a
        # send into a full batch waits for it to drain). Below the topics' default max.message.bytes (1 MiB).
        max_batch_size=MAX_BATCH_BYTES,
        request_timeout_ms=15000,
        partitioner=kafka_default_partitioner,  # Kafka's default, computed faster than aiokafka's own
    )


def new_consumer(settings: ServiceSettings, *topics: str, group_id: str) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(
        *topics,
        **connection_options(settings),
        group_id=group_id,
        enable_auto_commit=False,  # commit only after the work is durable
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=MAX_MESSAGE_BYTES + 64 * 1024,
        fetch_max_bytes=32 * 1024 * 1024,
        session_timeout_ms=10000,
        heartbeat_interval_ms=3000,
    )


def new_reader(settings: ServiceSettings) -> AIOKafkaConsumer:
    """A consumer outside any group that assigns itself partitions (reads a whole topic, commits nothing)."""
    return AIOKafkaConsumer(
        **connection_options(settings),
        group_id=None,
        enable_auto_commit=False,
        # An offset already removed by retention means: the oldest still there (not: skip to the end).
        auto_offset_reset="earliest",
        max_partition_fetch_bytes=MAX_MESSAGE_BYTES + 64 * 1024,
    )


def new_admin(settings: ServiceSettings) -> AIOKafkaAdminClient:
    return AIOKafkaAdminClient(**connection_options(settings))


async def ensure_topics(settings: ServiceSettings, specs: Iterable[TopicSpec]) -> None:
    """Create missing topics (auto-creation is off on our brokers); existing ones are left alone. Replicated as
    the spec says (production: 3 copies, min.insync.replicas 2) or on every broker of a smaller cluster."""
    admin = new_admin(settings)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        brokers = len((await admin.describe_cluster())["brokers"])
        missing = []
        for spec in specs:
            if settings.topic(spec.name) in existing:
                continue
            replicas, min_insync = spec.replicas_on(brokers)
            configs = {"min.insync.replicas": str(min_insync), **spec.config}
            missing.append(NewTopic(settings.topic(spec.name), spec.partitions, replicas, topic_configs=configs))
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
