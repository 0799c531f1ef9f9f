"""frame_to_bytes gives exactly the bytes of event_to_bytes: the frames topic contract does not change."""

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest

from anpr_contracts import Direction, FrameCaptured, PlateRecognized, ReadSource, event_to_bytes, parse_event
from anpr_ingest.adapters.frame_publisher import encode_event, frame_to_bytes


def _image(size: int, seed: int) -> bytes:
    # Every byte value, so both URL-safe characters ("-", "_") and padding occur in the base64.
    return b"\xff\xd8" + random.Random(seed).randbytes(size)


FRAMES = [
    FrameCaptured(frame_id="f-1", camera_id="cam-1", captured_at=datetime.now(UTC), image_jpeg=_image(100_000, 1)),
    FrameCaptured(
        frame_id='quote " backslash \\ tab \t é ü 漢 \x7f',
        camera_id="camera/with:odd chars",
        captured_at=datetime(2026, 3, 29, 2, 30, tzinfo=timezone(timedelta(hours=2))),
        image_jpeg=_image(1, 2),
        location_id="loc-1",
        zone_id="centrum",
        direction=Direction.ENTRY,
        correlation_id="corr-1",
    ),
    FrameCaptured(frame_id="empty", camera_id="c", captured_at=datetime.now(UTC), image_jpeg=b""),
    *(
        FrameCaptured(frame_id=f"pad-{n}", camera_id="c", captured_at=datetime.now(UTC), image_jpeg=_image(n, n))
        for n in (3, 4, 5)
    ),
]


@pytest.mark.parametrize("frame", FRAMES, ids=lambda frame: frame.frame_id[:5])
def test_frame_bytes_are_those_of_the_contract_serialiser(frame: FrameCaptured) -> None:
    encoded = frame_to_bytes(frame)

    assert encoded == event_to_bytes(frame)
    assert parse_event(encoded) == frame


def test_the_publishers_encoder_splices_frames_and_leaves_other_events_alone() -> None:
    read = PlateRecognized(
        source=ReadSource.FIXED_ANPR, location_id="loc-1", observed_at=datetime.now(UTC), plate="GH123K", confidence=0.9
    )

    assert encode_event(FRAMES[0]) == event_to_bytes(FRAMES[0])
    assert encode_event(read) == event_to_bytes(read)
