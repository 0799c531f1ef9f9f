"""`anpr dlq` against the real broker, database and a running notices: dead letters written by the
consumers' own (sealing) DeadLetters hold no plate in clear on the topic, are listed without their plates,
shown decrypted by notices with an audit row naming the token's principal, and replayed exactly once."""

import asyncio
import contextlib
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from aiokafka import ConsumerRecord, TopicPartition
from aiokafka.admin import RecordsToDelete
from sqlalchemy import select
from typer.testing import CliRunner

from anpr_cli.main import app
from anpr_contracts import DLQ, FRAMES, READS, TOPICS
from anpr_notices import NoticesSettings, create_app
from anpr_runtime.db import create_engine
from anpr_runtime.dead_letter_replay import payload_views
from anpr_runtime.dead_letter_seal import DeadLetterSeal, sealing_dead_letters
from anpr_runtime.kafka import ensure_topics, new_admin, new_producer, new_reader
from anpr_runtime.settings import ServiceSettings

PLATE = "63HKHD"
ANNA = "test-anna-admin-token"  # a named admin token: the audit must name "ops-anna", whatever she types
TOKENS = f"ops-anna:admin:{ANNA},reviewer-2:reviewer:test-reviewer-token"


@pytest.fixture
def notices(isolated: Callable[..., Any], tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[NoticesSettings]:
    """A running notices (HTTP on a free port) that the command is pointed at; no run env of a developer."""
    settings: NoticesSettings = isolated(NoticesSettings, extra_tokens=TOKENS, purge_interval_seconds=0)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 120
    while not server.started:
        assert thread.is_alive(), "notices did not start"
        assert time.monotonic() < deadline, "notices did not start in time"
        time.sleep(0.1)
    monkeypatch.setenv("ANPR_RUN_DIR", str(tmp_path))
    monkeypatch.setenv("ANPR_NOTICES_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("ANPR_ADMIN_TOKEN", "test-admin-token")
    monkeypatch.delenv("ANPR_TOKEN", raising=False)
    try:
        yield settings
    finally:
        server.should_exit = True
        thread.join(30)


@pytest.fixture
def dead_lettered(notices: NoticesSettings) -> NoticesSettings:
    """Two reads and one frame, consumed and dead-lettered with a reason that quotes the plate."""
    settings = notices

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
            seal = DeadLetterSeal.from_settings(settings)  # every service holds the same key
            dead_letters = sealing_dead_letters(producer, settings.topic(DLQ.name), "anpr-rules", seal)
            for record in await consume(settings, settings.topic(READS.name), 2):
                await dead_letters.send(record, ValueError(f"plate {PLATE} is not valid here"))
            for record in await consume(settings, settings.topic(FRAMES.name), 1):
                await dead_letters.send(record, KeyError("boom"))
        finally:
            await producer.stop()

    asyncio.run(go())
    return settings


def test_the_dead_letter_topic_holds_no_plate_in_clear(dead_lettered: NoticesSettings) -> None:
    records = asyncio.run(consume(dead_lettered, dead_lettered.topic(DLQ.name), 3))

    assert len(records) == 3
    for record in records:
        # The message's own envelope headers (correlation_id "corr-read-1") stay clear: they are ids.
        ours = b"".join(value for name, value in record.headers if name.startswith("dlq."))
        stored = (record.key or b"") + (record.value or b"") + ours
        assert PLATE.encode() not in stored
        assert b"read-" not in stored
        assert b"frame-1" not in stored
    assert dict(records[0].headers)["dlq.reason"] == b"plate [masked] is not valid here"
    assert dict(records[0].headers)["dlq.error_type"] == b"ValueError"


def test_list_show_replay(dead_lettered: NoticesSettings) -> None:
    settings = dead_lettered
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

    shown = anpr("dlq", "show", "0:1", "--purpose", "administration: bug 17", "--token", ANNA)
    assert PLATE in shown
    assert "read-2" in shown
    assert f"plate {PLATE} is not valid here" in shown
    assert "No such option" in anpr("dlq", "show", "0:1", "--actor", "someone-else", expect=2), "no self-reporting"
    assert asyncio.run(views(settings)) == [("ops-anna", "administration: bug 17", 0, 1)], "named by the token"
    assert "X-Purpose" in anpr("dlq", "show", "0:1", "--purpose", "curiosity", expect=1)
    assert "401" in anpr("dlq", "show", "0:1", "--token", "not-a-token", expect=1)
    assert "403" in anpr("dlq", "show", "0:1", "--purpose", "review", "--token", "test-reviewer-token", expect=1)
    assert len(asyncio.run(views(settings))) == 1, "a refused look is no look"

    assert "1 replayed" in anpr("dlq", "replay", "0:0")
    again = anpr("dlq", "replay", "0:0")
    assert "0 replayed, 1 already replayed" in again
    assert "by admin" in again
    by_topic = anpr("dlq", "replay", "--topic", reads)
    assert "0:1: replayed" in by_topic
    assert "0:0: already replayed" in by_topic
    assert "0:2" not in by_topic
    assert "yes" in anpr("dlq", "list", "--topic", reads)

    replayed = asyncio.run(consume(settings, reads, 4))
    assert [r.value for r in replayed[:2]] == [r.value for r in replayed[2:]], "the same payloads, in clear, once each"
    assert [r.key for r in replayed[2:]] == [b"key-read-1", b"key-read-2"]
    marks = [dict(r.headers)["dlq.replay_of"] for r in replayed[2:]]
    assert marks == [f"{settings.topic(DLQ.name)}:0:0".encode(), f"{settings.topic(DLQ.name)}:0:1".encode()]
    assert [dict(r.headers)["correlation_id"] for r in replayed[2:]] == [b"corr-read-1", b"corr-read-2"]
    assert all("dlq.sealed" not in dict(r.headers) for r in replayed[2:])
    assert asyncio.run(end_offset(settings, reads)) == 4, "nothing was sent twice"

    asyncio.run(delete_before(settings, settings.topic(DLQ.name), 1))  # as retention would
    assert "no dead letter 0:0" in anpr("dlq", "show", "0:0", expect=1)
    assert "2 dead letter(s)" in anpr("dlq", "list")


def test_unknown_or_unselected_is_refused(notices: NoticesSettings) -> None:
    asyncio.run(ensure_topics(notices, TOPICS))

    assert "no dead letter 0:5" in anpr("dlq", "show", "0:5", expect=1)
    assert "name dead letters by id" in anpr("dlq", "replay", expect=2)
    assert "not a dead letter id" in anpr("dlq", "replay", "five", expect=2)
    assert "no dead letter 0:0" in anpr("dlq", "replay", "0:0", expect=1)
    # Found by the OpenAPI fuzzer: a time before 1970 or without a zone is no server error.
    url, admin = os.environ["ANPR_NOTICES_URL"], {"Authorization": "Bearer test-admin-token"}
    for since in ("1900-01-01T00:00:00", "1969-12-31T23:59:59+00:00"):
        listed = httpx.get(f"{url}/v1/dead-letters", params={"since": since}, headers=admin, timeout=60)
        assert listed.status_code == 200, listed.text


def anpr(*arguments: str, expect: int = 0) -> str:
    result = CliRunner().invoke(app, list(arguments))
    assert result.exit_code == expect, result.output
    return result.output


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


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
