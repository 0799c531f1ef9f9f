"""The TLS settings reach the real drivers: the test PostgreSQL and Kafka speak plain TCP only, so a
client told to insist on TLS must fail to connect, and the same client told otherwise must succeed."""

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiokafka.errors import KafkaConnectionError
from sqlalchemy import text

from anpr_runtime.db import create_engine, run_migrations
from anpr_runtime.kafka import new_producer
from anpr_runtime.settings import ServiceSettings

INGEST_MIGRATIONS = Path(__file__).parents[4] / "services" / "ingest" / "src" / "anpr_ingest" / "migrations"


async def select_one(settings: ServiceSettings) -> int:
    engine = create_engine(settings.database_url)
    try:
        async with engine.connect() as connection:
            return int((await connection.execute(text("select 1"))).scalar_one())
    finally:
        await engine.dispose()


async def test_postgres_sslmode_reaches_the_driver(isolated: Callable[..., Any]) -> None:
    assert await select_one(isolated(ServiceSettings, database_sslmode="disable")) == 1
    assert await select_one(isolated(ServiceSettings, database_sslmode="prefer")) == 1  # falls back to plain

    with pytest.raises(ConnectionError, match="SSL"):
        await select_one(isolated(ServiceSettings, database_sslmode="require"))


async def test_migrations_use_the_tls_settings_too(isolated: Callable[..., Any]) -> None:
    settings = isolated(ServiceSettings, database_sslmode="require")

    with pytest.raises(ConnectionError, match="SSL"):
        await run_migrations(settings.database_url, INGEST_MIGRATIONS, "ingest")


async def test_kafka_security_protocol_reaches_the_client(isolated: Callable[..., Any]) -> None:
    plain = new_producer(isolated(ServiceSettings))
    await plain.start()
    await plain.stop()

    tls = new_producer(isolated(ServiceSettings, kafka_security_protocol="SSL"))
    try:
        with pytest.raises(KafkaConnectionError, match="Unable to bootstrap"):
            await asyncio.wait_for(tls.start(), timeout=30)
    finally:
        await tls.stop()
