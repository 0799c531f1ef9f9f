"""The format a plate matched travels with its read (PlateRecognized.plate_format)."""

import io
from datetime import UTC, datetime, timedelta

from PIL import Image

from anpr_contracts import FrameCaptured, PlateRecognized
from anpr_recognition.adapters.passages import FakePassageRepository
from anpr_recognition.domain.plates import PlateReading
from anpr_recognition.handlers import FrameStores, ReadRules, ReadsOut, recognise_frame
from anpr_runtime.publisher import FakeEventPublisher

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


class _Ledger:
    async def seen(self, camera_id: str, frame_id: str) -> bool:
        return False

    async def mark(self, camera_id: str, frame_id: str, plates: int, now: datetime) -> None:
        return None


async def test_the_matched_format_is_published_with_the_read() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48)).save(buffer, "JPEG")
    frame = FrameCaptured(
        frame_id="f1", camera_id="c1", captured_at=T0, image_jpeg=buffer.getvalue(), correlation_id="f1"
    )
    readings = [
        PlateReading("AB123QD", "AB-123-QD", "FR", 0.9, (8, 6, 40, 18), "FR:XX-999-XX"),
        PlateReading("QAB123QD", "QAB123QD", None, 0.5, (40, 6, 60, 18)),
    ]

    async def read(_: bytes) -> list[PlateReading]:
        return readings

    publisher = FakeEventPublisher()
    rules = ReadRules(min_confidence=0.0, window=timedelta(0), idle=timedelta(seconds=4))
    await recognise_frame(
        frame, read, FrameStores(_Ledger(), FakePassageRepository()), ReadsOut(publisher, "k"), rules, T0
    )

    events = [event for _, _, event in publisher.published]
    formats = sorted((e.plate, e.plate_format) for e in events if isinstance(e, PlateRecognized))
    assert formats == [("AB123QD", "FR:XX-999-XX"), ("QAB123QD", None)]
