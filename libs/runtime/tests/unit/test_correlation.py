"""The correlation id across the runtime: Kafka headers in and out, the consumer's context, the publisher."""

import asyncio
import logging
from datetime import UTC, datetime

import pytest
from aiokafka import ConsumerRecord

from anpr_contracts import FrameCaptured, event_to_bytes
from anpr_runtime.consumer import ConsumerRunner, DeadLetters, RetryPolicy
from anpr_runtime.correlation import CORRELATION_ID, EVENT_ID, bound, envelope_of
from anpr_runtime.errors import PermanentError
from anpr_runtime.publisher import FakeEventPublisher, KafkaEventPublisher

from .fakes import FakeConsumer, FakeProducer


def a_frame(**fields: object) -> FrameCaptured:
    values: dict[str, object] = {
        "frame_id": "f-1",
        "camera_id": "cam-1",
        "captured_at": datetime(2026, 3, 1, 12, tzinfo=UTC),
        "image_jpeg": b"\xff\xd8" + b"x" * 200_000,
    }
    return FrameCaptured.model_validate(values | fields)


def a_record(value: bytes, headers: list[tuple[str, bytes]] | None = None, offset: int = 0) -> ConsumerRecord:
    return ConsumerRecord(
        topic="anpr.frames.v1",
        partition=0,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=b"cam-1",
        value=value,
        checksum=None,
        serialized_key_size=5,
        serialized_value_size=len(value),
        headers=headers or [],
    )


async def test_the_publisher_sends_the_envelope_ids_as_headers(producer: FakeProducer) -> None:
    frame = a_frame(correlation_id="gateway-7")
    await KafkaEventPublisher(producer, "t.").publish("anpr.frames.v1", "cam-1", frame)  # type: ignore[arg-type]

    [(topic, value, key, headers)] = producer.sent
    assert (topic, key) == ("t.anpr.frames.v1", b"cam-1")
    assert dict(headers) == {
        "correlation_id": b"gateway-7",
        "event_id": str(frame.event_id).encode(),
        "event_type": b"frame.captured",
    }
    assert value == event_to_bytes(frame)


async def test_an_event_made_during_work_joins_that_work_s_correlation_id() -> None:
    publisher = FakeEventPublisher()
    with bound(correlation_id="request-1"):
        await publisher.publish("anpr.frames.v1", "k", a_frame())  # defaulted id: replaced
        await publisher.publish("anpr.frames.v1", "k", a_frame(correlation_id="chosen"))  # explicit: kept
    await publisher.publish("anpr.frames.v1", "k", fresh := a_frame())  # no work in hand: its own id

    ids = [event.correlation_id for _, _, event in publisher.published]  # type: ignore[attr-defined]
    assert ids == ["request-1", "chosen", fresh.correlation_id]


def test_envelope_ids_come_from_headers_first() -> None:
    frame = a_frame(correlation_id="in-body")
    headers = [("correlation_id", b"in-header"), ("event_id", b"e-1"), ("event_type", b"frame.captured")]
    assert envelope_of(headers, event_to_bytes(frame)) == {
        "correlation_id": "in-header",
        "event_id": "e-1",
        "event_type": "frame.captured",
    }


def test_without_headers_the_ids_are_found_in_the_first_bytes_of_the_event() -> None:
    frame = a_frame(correlation_id="in-body")
    assert envelope_of([], event_to_bytes(frame)) == {
        "correlation_id": "in-body",
        "event_id": str(frame.event_id),
        "event_type": "frame.captured",
    }


def test_ids_that_could_forge_log_lines_are_dropped() -> None:
    assert envelope_of([("correlation_id", b'x" level=ERROR'), ("event_type", b"a b")], b"not json") == {}


async def test_the_consumer_binds_each_message_s_ids_while_handling_it(producer: FakeProducer) -> None:
    seen: list[tuple[str | None, str | None]] = []

    async def handle(record: ConsumerRecord[bytes, bytes]) -> None:
        seen.append((CORRELATION_ID.get(), EVENT_ID.get()))

    first, second = a_frame(correlation_id="c-1"), a_frame(correlation_id="c-2")
    consumer = FakeConsumer([a_record(event_to_bytes(first)), a_record(event_to_bytes(second), offset=1)])
    runner = ConsumerRunner(consumer, handle, DeadLetters(producer, "dlq", "g"), "g", RetryPolicy())  # type: ignore[arg-type]
    await _drain(runner, consumer)

    assert seen == [("c-1", str(first.event_id)), ("c-2", str(second.event_id))]
    assert CORRELATION_ID.get() is None


async def test_a_dead_letter_keeps_the_envelope_headers_and_the_failure_is_logged_with_the_id(
    producer: FakeProducer, caplog: pytest.LogCaptureFixture
) -> None:
    async def refuse(record: ConsumerRecord[bytes, bytes]) -> None:
        raise PermanentError("plate 72VGX6 refused")

    headers = [("correlation_id", b"c-dead"), ("event_type", b"frame.captured"), ("dlq.reason", b"old")]
    consumer = FakeConsumer([a_record(b"{}", headers)])
    runner = ConsumerRunner(consumer, refuse, DeadLetters(producer, "dlq", "g"), "g", RetryPolicy())  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING, logger="anpr_runtime.consumer"):
        await _drain(runner, consumer)

    [(_, _, _, sent)] = producer.sent
    assert sent[:2] == headers[:2]
    assert dict(sent)["dlq.reason"] == b"plate 72VGX6 refused"
    assert [h for h in sent if h[0] == "dlq.reason"] == [("dlq.reason", b"plate 72VGX6 refused")]
    [record] = caplog.records
    assert record.event_type == "frame.captured"  # type: ignore[attr-defined]
    assert "72VGX6" not in record.getMessage()


async def _drain(runner: ConsumerRunner, consumer: FakeConsumer) -> None:
    task = asyncio.create_task(runner.run())
    await asyncio.wait_for(consumer.drained.wait(), timeout=5)
    runner.stop()
    await asyncio.wait_for(task, timeout=5)
