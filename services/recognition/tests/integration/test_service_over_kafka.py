"""The recognition service on the real broker and database: frames in on the frames topic, one read per
vehicle passage out on the reads topic, and a frame that is no image on the dead-letter topic."""

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord

from anpr_contracts import DLQ, FRAMES, READS, FrameCaptured, PlateRecognized, event_to_bytes, parse_event
from anpr_recognition.config import RecognitionSettings
from anpr_recognition.entrypoints.api import create_app
from anpr_runtime.dead_letter_seal import DeadLetterSeal, open_letter
from anpr_runtime.dead_letters import DeadLetter

DEMO = Path(__file__).resolve().parents[4] / "deploy" / "demo" / "frames"


RUN = uuid.uuid4().hex[:8]  # frame ids are remembered in the database across runs: make them new
CAMERA = f"cam-e2e-{RUN}"


def _frame(frame_id: str, image: bytes, at: datetime) -> FrameCaptured:
    return FrameCaptured(
        frame_id=f"{frame_id}-{RUN}", camera_id=CAMERA, captured_at=at, image_jpeg=image, correlation_id=frame_id
    )


async def test_frames_of_one_passage_give_one_read_and_a_non_jpeg_is_dead_lettered(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings: RecognitionSettings = isolated(
        RecognitionSettings,
        passage_window_seconds=1.0,
        passage_idle_seconds=3.0,
        passage_poll_seconds=0.1,
        onnx_threads=1,
    )
    now = datetime.now(UTC)
    image = (DEMO / "c12_28.jpg").read_bytes()  # 72-TBZ-9
    async with run_app(create_app(settings)):
        producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap)
        await producer.start()
        try:
            frames = [
                _frame("f1", image, now),
                _frame("not-a-jpeg", b"GIF89a this is no jpeg", now + timedelta(milliseconds=100)),
                _frame("corrupt", image[:300], now + timedelta(milliseconds=150)),
                _frame("f2", image, now + timedelta(milliseconds=200)),
            ]
            for frame in frames:
                await producer.send_and_wait(settings.topic(FRAMES.name), event_to_bytes(frame), key=CAMERA.encode())
        finally:
            await producer.stop()
        reads = await _records(settings, settings.topic(READS.name), expected=1, linger=3.0)
        dead = await _records(settings, settings.topic(DLQ.name), expected=2, linger=0.0)

    [read] = [parse_event(record.value or b"") for record in reads]
    assert isinstance(read, PlateRecognized)
    assert (read.plate, read.formatted, read.country, read.camera_id) == ("72TBZ9", "72-TBZ-9", "NL", CAMERA)
    assert read.frame_id in {f"f1-{RUN}", f"f2-{RUN}"}
    assert read.plate_jpeg
    assert read.plate_jpeg.startswith(b"\xff\xd8")
    assert 0.5 < read.confidence <= 1.0
    not_jpeg, corrupt = sorted(dead, key=lambda record: record.offset)
    headers = dict(not_jpeg.headers)
    assert headers["dlq.topic"] == settings.topic(FRAMES.name).encode()
    assert headers["dlq.error_type"] == b"ImageDecodeError"
    assert b"not a JPEG frame" in headers["dlq.reason"]
    assert b"not a decodable image" in dict(corrupt.headers)["dlq.reason"]
    assert b"cam-e2e" not in (not_jpeg.value or b""), "sealed at rest"
    dead_frame = parse_event(open_letter(DeadLetter.of(not_jpeg), DeadLetterSeal.from_settings(settings)).value or b"")
    assert isinstance(dead_frame, FrameCaptured)
    assert dead_frame.frame_id == f"not-a-jpeg-{RUN}"


async def _records(
    settings: RecognitionSettings, topic: str, expected: int, linger: float
) -> list[ConsumerRecord[bytes, bytes]]:
    """Records of a topic until `expected` arrived (model build included: up to 4 minutes), then `linger`
    seconds more so that an unexpected extra record is seen too."""
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=settings.kafka_bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    found: list[ConsumerRecord[bytes, bytes]] = []
    try:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 240
        while len(found) < expected and loop.time() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                found.extend(records)
        settle = loop.time() + linger
        while loop.time() < settle:
            for records in (await consumer.getmany(timeout_ms=200)).values():
                found.extend(records)
    finally:
        await consumer.stop()
    return found
