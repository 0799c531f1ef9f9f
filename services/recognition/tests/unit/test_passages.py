import io
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image

from anpr_contracts import FrameCaptured
from anpr_recognition.adapters.passages import FakePassageRepository
from anpr_recognition.domain.passages import Vote, same_vehicle, vote
from anpr_recognition.domain.plates import PlateReading
from anpr_recognition.handlers import (
    FrameStores,
    ReadPlates,
    ReadRules,
    ReadsOut,
    publish_closed_passages,
    recognise_frame,
)
from anpr_runtime.publisher import FakeEventPublisher

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
WINDOW = timedelta(seconds=2)
IDLE = timedelta(seconds=4)
RULES = ReadRules(min_confidence=0.0, window=WINDOW, idle=IDLE)
AT_ONCE = ReadRules(min_confidence=0.0, window=timedelta(0), idle=IDLE)


class FakeLedger:
    def __init__(self) -> None:
        self.frames: set[tuple[str, str]] = set()

    async def seen(self, camera_id: str, frame_id: str) -> bool:
        return (camera_id, frame_id) in self.frames

    async def mark(self, camera_id: str, frame_id: str, plates: int, now: datetime) -> None:
        self.frames.add((camera_id, frame_id))


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48)).save(buffer, "JPEG")
    return buffer.getvalue()


def _frame(frame_id: str, camera: str, at: datetime) -> FrameCaptured:
    return FrameCaptured(
        frame_id=frame_id, camera_id=camera, captured_at=at, image_jpeg=_jpeg(), correlation_id=frame_id
    )


def _reader(*plates: tuple[str, float]) -> ReadPlates:
    async def read(_: bytes) -> list[PlateReading]:
        return [PlateReading(text, text, "NL", confidence, (8, 6, 40, 18)) for text, confidence in plates]

    return read


def test_vote_weighs_by_confidence_and_keeps_the_best_evidence() -> None:
    outcome = vote([Vote("72VGX6", 0.7, T0), Vote("72VGX8", 0.9, T0), Vote("72VGX6", 0.8, T0)])
    assert (outcome.plate, outcome.winner, outcome.frames) == ("72VGX6", 2, 3)
    assert outcome.confidence == pytest.approx(0.8 * 1.5 / 2.4)


def test_a_passage_that_agrees_keeps_its_best_confidence() -> None:
    assert vote([Vote("72VGX6", 0.9, T0), Vote("72VGX6", 0.95, T0)]).confidence == 0.95


def test_plates_one_edit_apart_are_one_vehicle() -> None:
    assert same_vehicle("72VGX6", "72VGX8")
    assert same_vehicle("72VGX6", "2VGX6")
    assert not same_vehicle("72VGX6", "31KLM2")


async def test_frames_of_one_passage_give_one_read_after_the_window() -> None:
    passages, publisher = FakePassageRepository(), FakeEventPublisher()
    stores, out = FrameStores(FakeLedger(), passages), ReadsOut(publisher, "k")
    reads = [("72VGX6", 0.9), ("72VGX8", 0.6), ("72VGX6", 0.95)]
    for index, plate in enumerate(reads):
        at = T0 + timedelta(milliseconds=300 * index)
        frame = _frame(f"f{index}", "cam-1", at)
        await recognise_frame(frame, _reader(plate), stores, out, RULES, at)
    assert publisher.published == []
    assert await publish_closed_passages(passages, out, RULES, T0 + timedelta(seconds=3)) == []

    [read] = await publish_closed_passages(passages, out, RULES, T0 + timedelta(seconds=5))

    assert (read.plate, read.frame_id) == ("72VGX6", "f2")
    assert read.confidence == pytest.approx(0.95 * 1.85 / 2.45, abs=1e-4)
    assert passages.rows == []  # no plate stays after emission
    assert len(publisher.published) == 1


async def test_two_vehicles_and_two_cameras_are_separate_passages() -> None:
    passages, publisher = FakePassageRepository(), FakeEventPublisher()
    stores, out = FrameStores(FakeLedger(), passages), ReadsOut(publisher, "k")
    two = _reader(("72VGX6", 0.9), ("31KLM2", 0.8))
    await recognise_frame(_frame("a", "cam-1", T0), two, stores, out, RULES, T0)
    await recognise_frame(_frame("b", "cam-2", T0), _reader(("72VGX6", 0.9)), stores, out, RULES, T0)

    published = await publish_closed_passages(passages, out, RULES, T0 + timedelta(seconds=5))

    assert sorted((r.camera_id, r.plate) for r in published) == [
        ("cam-1", "31KLM2"),
        ("cam-1", "72VGX6"),
        ("cam-2", "72VGX6"),
    ]


async def test_the_same_plate_after_the_window_is_a_new_passage() -> None:
    passages = FakePassageRepository()
    stores, out = FrameStores(FakeLedger(), passages), ReadsOut(FakeEventPublisher(), "k")
    for index, at in enumerate((T0, T0 + timedelta(minutes=5))):
        await recognise_frame(_frame(f"f{index}", "cam-1", at), _reader(("72VGX6", 0.9)), stores, out, RULES, at)
    assert len(await publish_closed_passages(passages, out, RULES, T0 + timedelta(minutes=6))) == 2


async def test_without_a_window_every_read_is_published_at_once_and_redelivery_is_a_no_op() -> None:
    passages, publisher = FakePassageRepository(), FakeEventPublisher()
    stores, out = FrameStores(FakeLedger(), passages), ReadsOut(publisher, "k")
    frame = _frame("f1", "cam-1", T0)
    for _ in range(2):
        await recognise_frame(frame, _reader(("72VGX6", 0.9)), stores, out, AT_ONCE, T0)
    assert len(publisher.published) == 1
    assert passages.rows == []


async def test_a_passage_closes_when_its_camera_reads_a_plate_past_the_window() -> None:
    passages, publisher = FakePassageRepository(), FakeEventPublisher()
    stores, out = FrameStores(FakeLedger(), passages), ReadsOut(publisher, "k")
    await recognise_frame(_frame("f1", "cam-1", T0), _reader(("72VGX6", 0.9)), stores, out, RULES, T0)
    later = T0 + timedelta(seconds=3)
    await recognise_frame(_frame("f2", "cam-1", later), _reader(("31KLM2", 0.9)), stores, out, RULES, T0)

    [read] = await publish_closed_passages(passages, out, RULES, T0 + timedelta(seconds=1))

    assert read.plate == "72VGX6"


@pytest.mark.parametrize("image", [b"\x89PNG\r\n\x1a\n rest of a png", b"", b"\xff\xd8\xff\xe0 truncated jpeg"])
async def test_a_frame_that_is_no_jpeg_raises_a_permanent_value_error(image: bytes) -> None:
    from anpr_recognition.adapters.images import ImageDecodeError, decode_rgb
    from anpr_runtime.consumer import default_error_policy

    async def read_for_real(jpeg: bytes) -> list[PlateReading]:
        decode_rgb(jpeg)
        return []

    frame = _frame("f1", "cam-1", T0).model_copy(update={"image_jpeg": image})
    with pytest.raises(ImageDecodeError) as raised:
        await recognise_frame(
            frame,
            read_for_real,
            FrameStores(FakeLedger(), FakePassageRepository()),
            ReadsOut(FakeEventPublisher(), "k"),
            RULES,
            T0,
        )
    assert default_error_policy(raised.value) == "dead_letter"
