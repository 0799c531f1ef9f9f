"""Plates of a fetched batch are read in chunks ahead of handling; a frame prepare could not read is read
again on its own when handled, and a record that is no frame is left to the handler."""

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from aiokafka import ConsumerRecord

from anpr_contracts import FrameCaptured, event_to_bytes
from anpr_recognition.adapters.batch_reading import BatchReader
from anpr_recognition.adapters.images import FrameTooLarge, ImageDecodeError, ensure_jpeg
from anpr_recognition.domain.plates import PlateReading


def a_header(width: int, height: int) -> bytes:
    """The start of a JPEG up to its frame header: all the readers here and the size checks look at."""
    return b"\xff\xd8\xff\xc0\x00\x0b\x08" + height.to_bytes(2, "big") + width.to_bytes(2, "big") + b"\x01\x01\x11\x00"


JPEG = a_header(1920, 1080)
AT = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)


class CountingReader:
    """Reads a frame's 'plate' from its bytes; counts the calls into the models."""

    def __init__(self) -> None:
        self.batches: list[int] = []
        self.singles = 0

    def read(self, jpeg: bytes) -> list[PlateReading]:
        self.singles += 1
        decodable(jpeg)
        return [PlateReading(jpeg[-6:].decode(), "", "NL", 0.9, (0, 0, 10, 5))]

    def read_many(self, jpegs: Sequence[bytes]) -> list[list[PlateReading]]:
        self.batches.append(len(jpegs))
        for jpeg in jpegs:
            decodable(jpeg)
        return [[PlateReading(jpeg[-6:].decode(), "", "NL", 0.9, (0, 0, 10, 5))] for jpeg in jpegs]


def decodable(jpeg: bytes) -> None:
    ensure_jpeg(jpeg)
    if b"corrupt" in jpeg:  # a JPEG with a good header and broken data
        raise ImageDecodeError("corrupt JPEG data")


def a_frame(n: int, image: bytes | None = None) -> FrameCaptured:
    return FrameCaptured(
        frame_id=f"f-{n}", camera_id="cam-1", captured_at=AT, image_jpeg=image or JPEG + f"PL{n:04d}".encode()
    )


def record(value: bytes, offset: int) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord("anpr.frames.v1", 0, offset, 0, 0, b"cam-1", value, None, len(value), len(value), [])


async def test_a_batch_is_read_in_chunks_and_handling_finds_the_plates_ready() -> None:
    reader = CountingReader()
    batches = BatchReader(reader, batch_frames=4)
    frames = [a_frame(n) for n in range(10)]

    await batches.prepare([record(event_to_bytes(f), n) for n, f in enumerate(frames)])
    plates = [await batches.read(frame) for frame in frames]

    assert reader.batches == [4, 4, 2]
    assert reader.singles == 0
    assert [p[0].text for p in plates] == [f"PL{n:04d}" for n in range(10)]


async def test_a_bad_image_spoils_only_its_chunk_and_is_read_alone_when_handled() -> None:
    reader = CountingReader()
    batches = BatchReader(reader, batch_frames=2)
    frames = [a_frame(0), a_frame(1, JPEG + b"corrupt"), a_frame(2), a_frame(3)]

    await batches.prepare([record(event_to_bytes(f), n) for n, f in enumerate(frames)])

    assert (await batches.read(frames[2]))[0].text == "PL0002"  # its chunk was fine
    assert reader.singles == 0
    assert (await batches.read(frames[0]))[0].text == "PL0000"  # read again on its own
    with pytest.raises(ImageDecodeError):
        await batches.read(frames[1])
    assert reader.singles == 2


async def test_records_that_are_no_frames_are_left_to_the_handler() -> None:
    reader = CountingReader()
    batches = BatchReader(reader, batch_frames=8)

    await batches.prepare([record(b"{not json", 0), record(event_to_bytes(a_frame(1)), 1)])

    assert reader.batches == [1]


async def test_what_was_prepared_for_an_earlier_batch_is_not_kept() -> None:
    reader = CountingReader()
    batches = BatchReader(reader, batch_frames=8)
    await batches.prepare([record(event_to_bytes(a_frame(1)), 1)])
    await batches.prepare([record(event_to_bytes(a_frame(2)), 2)])

    await batches.read(a_frame(1))

    assert reader.singles == 1


async def test_frames_declaring_more_than_the_batch_size_are_left_out_and_read_alone() -> None:
    reader = CountingReader()
    batches = BatchReader(reader, batch_frames=8, max_pixels=25_000_000, alone_above_pixels=3840 * 2160)
    large = [a_frame(n, a_header(5000, 5000) + f"PL{n:04d}".encode()) for n in (1, 2)]
    frames = [a_frame(0), *large, a_frame(3, a_header(3840, 2160) + b"PL0003")]

    await batches.prepare([record(event_to_bytes(f), n) for n, f in enumerate(frames)])
    assert reader.batches == [2], "only the frames up to 4K UHD are decoded together"

    assert [(await batches.read(frame))[0].text for frame in large] == ["PL0001", "PL0002"]
    assert reader.singles == 2


async def test_a_frame_declaring_more_than_the_limit_is_refused_unread() -> None:
    reader = CountingReader()
    batches = BatchReader(reader, batch_frames=8, max_pixels=25_000_000)
    bomb = a_frame(1, a_header(13000, 13000) + b"PL0001")

    await batches.prepare([record(event_to_bytes(bomb), 1)])
    with pytest.raises(FrameTooLarge, match=r"13000x13000 = 169000000 pixels, limit is 25000000"):
        await batches.read(bomb)

    assert reader.batches == []
    assert reader.singles == 0, "never handed to the models"


async def test_a_frame_whose_header_cannot_be_read_is_not_batched() -> None:
    reader = CountingReader()
    batches = BatchReader(reader, batch_frames=8)

    await batches.prepare([record(event_to_bytes(a_frame(1, b"\xff\xd8\xff\xe0cut-PL0001")), 1)])

    assert reader.batches == []
