import io
from datetime import UTC, datetime

import pytest
from PIL import Image

from anpr_contracts import Direction, FrameCaptured, ReadSource
from anpr_recognition.domain.plates import PlateReading
from anpr_recognition.handlers.recognise import _read

READING = PlateReading(text="72VGX6", formatted="72-VGX-6", country="NL", confidence=0.97, box=(8, 6, 40, 18))


def a_frame(**where: object) -> FrameCaptured:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48)).save(buffer, "JPEG")
    fields: dict[str, object] = {
        "frame_id": "f-1",
        "camera_id": "cam-rot",
        "location_id": "loc-north",
        "captured_at": datetime(2026, 3, 2, 8, 0, tzinfo=UTC),
        "image_jpeg": buffer.getvalue(),
        "correlation_id": "corr-1",
        **where,
    }
    return FrameCaptured.model_validate(fields)


@pytest.mark.parametrize(
    ("zone_id", "direction"), [("centrum", Direction.ENTRY), ("centrum", Direction.EXIT), (None, None)]
)
def test_read_keeps_where_its_frame_was_taken(zone_id: str | None, direction: Direction | None) -> None:
    frame = a_frame(zone_id=zone_id, direction=direction)

    read = _read(frame, READING)

    assert (read.camera_id, read.location_id, read.zone_id, read.direction) == (
        "cam-rot",
        "loc-north",
        zone_id,
        direction,
    )
    assert (read.source, read.observed_at, read.frame_id) == (ReadSource.CAMERA, frame.captured_at, "f-1")
    assert read.correlation_id == "corr-1"
