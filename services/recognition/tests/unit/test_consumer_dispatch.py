"""The consumer's table: frames go to on_frame, any other event type is a permanent error (dead letter)
with the same reason as before the table."""

from datetime import UTC, datetime

import pytest
from aiokafka import ConsumerRecord

from anpr_contracts import FrameCaptured, PlateRecognized, ReadSource, event_to_bytes
from anpr_recognition.bootstrap import DISPATCH
from anpr_runtime import PermanentError

AT = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)


def record(value: bytes) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord("anpr.frames.v1", 0, 0, 0, 0, b"cam-1", value, None, len(value), len(value), [])


def test_a_frame_is_handled_and_a_read_is_dead_lettered_with_its_reason() -> None:
    frame = FrameCaptured(frame_id="f-1", camera_id="cam-1", captured_at=AT, image_jpeg=b"\xff\xd8\xff")
    read = PlateRecognized(source=ReadSource.CAMERA, observed_at=AT, plate="72VGX6", confidence=0.9)

    assert DISPATCH.kinds == (FrameCaptured,)
    assert DISPATCH.parse(record(event_to_bytes(frame))) == frame
    with pytest.raises(PermanentError, match=f"^recognition does not handle {read.event_type}$"):
        DISPATCH.parse(record(event_to_bytes(read)))
