"""`anpr dlq` against the real broker and database: dead letters written by the consumers' own
DeadLetters are listed without their plates, shown with an audit row, and replayed exactly once."""

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from aiokafka import ConsumerRecord, TopicPartition
from aiokafka.admin import RecordsToDelete
from sqlalchemy import select
from typer.testing import CliRunner

from anpr_cli.main import app
from anpr_contracts import DLQ, FRAMES, READS, TOPICS
from anpr_runtime.consumer import DeadLetters
from anpr_runtime.db import create_engine
from anpr_runtime.dead_letter_replay import payload_views
from anpr_runtime.kafka import ensure_topics, new_admin, new_producer, new_reader
from anpr_runtime.settings import ServiceSettings

PLATE = "63HKHD"


@pytest.fixture
def dead_lettered(isolated: Callable[..., Any]) -> ServiceSettings:
    """Two reads and one frame, consumed and dead-lettered with a reason that quotes the plate."""
    settings: ServiceSettings = isolated(ServiceSettings)

    async def go() -> None:
        await ensure_topics(settings, TOPICS)
        producer = new_producer(settings)
        await producer.start()
        try:
            for topic, value in ((READS, "read-1"), (READS, "read-2"), (FRAMES, "frame-1")):
                payload = f'{{"plate": "{PLATE}", "what": "{value}"}}'.encode()
                envelope = [("correlation_id", f"corr-{value}".encode())]
                await producer.send_and_wait(
                    settings.topic(topic.name), payload, key=f"key-{value}".encode(), headers=envelope
                )
            dead_letters = DeadLetters(producer, settings.topic(DLQ.name), "anpr-rules")
            for record in await consume(settings, settings.topic(READS.name), 2):
                await dead_letters.send(record, ValueError(f"plate {PLATE} is not valid here"))
            for record in await consume(settings, settings.topic(FRAMES.name), 1):
                await dead_letters.send(record, KeyError("boom"))
        finally:
            await producer.stop()

    asyncio.run(go())
    return settings


def test_list_show_replay(dead_lettered: ServiceSettings, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = dead_lettered
    for name, value in (
        ("KAFKA_BOOTSTRAP", settings.kafka_bootstrap),
        ("DATABASE_URL", settings.database_url),
        ("ANPR_TOPIC_PREFIX", settings.topic_prefix),
    ):
        monkeypatch.setenv(name, value)
    reads, frames = settings.topic(READS.name), settings.topic(FRAMES.name)

    listed = anpr("dlq", "list")
    assert "3 dead letter(s)" in listed
    assert PLATE not in listed, "a listing shows no payload"
    assert "not valid" not in listed, "a listing shows no reason (it may quote a plate)"
    assert [line.split()[1] for line in listed.splitlines() if " 0:" in line] == ["0:0", "0:1", "0:2"]
    only_frames = anpr("dlq", "list", "--topic", frames)
    assert "1 dead letter(s)" in only_frames
    assert "KeyError" in only_frames
    assert "ValueError" not in only_frames
    assert "1 dead letter(s)" in anpr("dlq", "list", "--limit", "1")
    assert "0 dead letter(s)" in anpr("dlq", "list", "--since", "2999-01-01T00:00:00+00:00")

    shown = anpr("dlq", "show", "0:1", "--actor", "tester", "--purpose", "bug 17")
    assert PLATE in shown
    assert "read-2" in shown
    assert f"plate {PLATE} is not valid here" in shown
    assert asyncio.run(views(settings)) == [("tester", "bug 17", 0, 1)]

    assert "1 replayed" in anpr("dlq", "replay", "0:0")
    again = anpr("dlq", "replay", "0:0")
    assert "0 replayed, 1 already replayed" in again
    assert "by" in again
    by_topic = anpr("dlq", "replay", "--topic", reads)
    assert "0:1: replayed" in by_topic
    assert "0:0: already replayed" in by_topic
    assert "0:2" not in by_topic
    assert "yes" in anpr("dlq", "list", "--topic", reads)

    replayed = asyncio.run(consume(settings, reads, 4))
    assert [r.value for r in replayed[:2]] == [r.value for r in replayed[2:]], "the same payloads, once each"
    assert [r.key for r in replayed[2:]] == [b"key-read-1", b"key-read-2"]
    marks = [dict(r.headers)["dlq.replay_of"] for r in replayed[2:]]
    assert marks == [f"{settings.topic(DLQ.name)}:0:0".encode(), f"{settings.topic(DLQ.name)}:0:1".encode()]
    assert [dict(r.headers)["correlation_id"] for r in replayed[2:]] == [b"corr-read-1", b"corr-read-2"]
    assert asyncio.run(end_offset(settings, reads)) == 4, "nothing was sent twice"

    asyncio.run(delete_before(settings, settings.topic(DLQ.name), 1))  # as retention would
    assert "no dead letter 0:0" in anpr("dlq", "show", "0:0", expect=1)
    assert "2 dead letter(s)" in anpr("dlq", "list")


def test_unknown_or_unselected_is_refused(isolated: Callable[..., Any], monkeypatch: pytest.MonkeyPatch) -> None:
    settings: ServiceSettings = isolated(ServiceSettings)
    asyncio.run(ensure_topics(settings, TOPICS))
    monkeypatch.setenv("KAFKA_BOOTSTRAP", settings.kafka_bootstrap)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("ANPR_TOPIC_PREFIX", settings.topic_prefix)

    assert "no dead letter 0:5" in anpr("dlq", "show", "0:5", expect=1)
    assert "name dead letters by id" in anpr("dlq", "replay", expect=2)
    assert "not a dead letter id" in anpr("dlq", "replay", "five", expect=2)
    assert "no dead letter 0:0" in anpr("dlq", "replay", "0:0", expect=2)


def anpr(*arguments: str, expect: int = 0) -> str:
    result = CliRunner().invoke(app, list(arguments))
    assert result.exit_code == expect, result.output
    return result.output


async def consume(settings: ServiceSettings, topic: str, count: int) -> list[ConsumerRecord[bytes, bytes]]:
    reader = new_reader(settings)
    await reader.start()
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(reader.partitions_for_topic(topic) or {0, 1, 2})]
        reader.assign(partitions)
        await reader.seek_to_beginning(*partitions)
        found: list[ConsumerRecord[bytes, bytes]] = []
        deadline = asyncio.get_running_loop().time() + 20
        while len(found) < count and asyncio.get_running_loop().time() < deadline:
            for records in (await reader.getmany(timeout_ms=500)).values():
                found.extend(records)
        return sorted(found, key=lambda r: (r.partition, r.offset))
    finally:
        await reader.stop()


async def end_offset(settings: ServiceSettings, topic: str) -> int:
    reader = new_reader(settings)
    await reader.start()
    try:
        partitions = [TopicPartition(topic, p) for p in range(READS.partitions)]
        return sum((await reader.end_offsets(partitions)).values())
    finally:
        await reader.stop()


async def delete_before(settings: ServiceSettings, topic: str, offset: int) -> None:
    admin = new_admin(settings)
    await admin.start()
    try:
        await admin.delete_records({TopicPartition(topic, 0): RecordsToDelete(before_offset=offset)})
    finally:
        await admin.close()


async def views(settings: ServiceSettings) -> list[tuple[Any, ...]]:
    engine = create_engine(settings.database_url)
    try:
        async with engine.connect() as connection:
            seen = payload_views.c
            query = select(seen.actor, seen.purpose, seen.dlq_partition, seen.dlq_offset).where(
                seen.dlq_topic == settings.topic(DLQ.name)
            )
            return [tuple(row) for row in await connection.execute(query)]
    finally:
        await engine.dispose()
