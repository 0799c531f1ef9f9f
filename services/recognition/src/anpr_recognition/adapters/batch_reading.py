"""Plates of a whole fetched batch of frames read together, before the frames are handled one by one.

The consumer runner hands each partition's fetched records to `prepare` first. The frames are read in
chunks of `batch_frames` with one call into the models per chunk (the recogniser runs once over every
plate of the chunk), in a worker thread: ONNX Runtime releases the GIL, so the event loop keeps
serving /readyz and the passage closer meanwhile. Handling then finds each frame's plates ready. A frame
that prepare could not read (not an image, say) is read again by the handler on its own, which gives it
its own error and its own dead letter.

Memory goes with the pixels a frame declares, not its bytes: a frame declaring more than `max_pixels` is
refused from its header (FrameTooLarge, a dead letter), and one declaring more than `alone_above_pixels`
is left out of the chunks and read alone when handled, so a few large frames are never decoded at once.
"""

import asyncio
import logging
import time
from collections.abc import Sequence
from typing import Protocol

from aiokafka import ConsumerRecord
from prometheus_client import Histogram

from anpr_contracts import ContractError, FrameCaptured, parse_event
from anpr_recognition.adapters.images import ImageDecodeError, ensure_frame_size
from anpr_recognition.domain.frame_size import DEFAULT_ALONE_ABOVE_PIXELS, DEFAULT_MAX_PIXELS, declared_pixels
from anpr_recognition.domain.plates import PlateReading

# A frame read in a batch counts its share of the batch's time.
READ_SECONDS = Histogram(
    "anpr_recognition_read_seconds", "Time to read the plates of one frame", buckets=(0.05, 0.1, 0.2, 0.4, 0.8, 1.6)
)
BATCH_FRAMES = Histogram(
    "anpr_recognition_batch_frames", "Frames read in one call into the models", buckets=(1, 2, 4, 8, 16, 32)
)
BATCH_SECONDS = Histogram(
    "anpr_recognition_batch_seconds", "Time to read one batch of frames", buckets=(0.1, 0.25, 0.5, 1, 2, 4, 8)
)
log = logging.getLogger(__name__)

FrameKey = tuple[str, str]


class Reader(Protocol):
    def read(self, jpeg: bytes) -> list[PlateReading]: ...
    def read_many(self, jpegs: Sequence[bytes]) -> list[list[PlateReading]]: ...


class BatchReader:
    def __init__(
        self,
        reader: Reader,
        batch_frames: int,
        max_pixels: int = DEFAULT_MAX_PIXELS,
        alone_above_pixels: int = DEFAULT_ALONE_ABOVE_PIXELS,
    ) -> None:
        self._reader = reader
        self._batch_frames = max(1, batch_frames)
        self._max_pixels = max_pixels
        self._alone_above_pixels = min(alone_above_pixels, max_pixels)
        self._ready: dict[FrameKey, list[PlateReading]] = {}

    async def prepare(self, records: Sequence[ConsumerRecord[bytes, bytes]]) -> None:
        """Read the plates of every frame among the records (what was prepared before is dropped)."""
        self._ready = {}
        frames = [frame for record in records if (frame := _frame_of(record)) is not None and self._batchable(frame)]
        for start in range(0, len(frames), self._batch_frames):
            chunk = frames[start : start + self._batch_frames]
            self._ready.update(await asyncio.to_thread(self._read_chunk, chunk))

    async def read(self, frame: FrameCaptured) -> list[PlateReading]:
        """The frame's plates: prepared ones when there are, otherwise read now."""
        prepared = self._ready.pop((frame.camera_id, frame.frame_id), None)
        if prepared is not None:
            return prepared
        ensure_frame_size(frame.image_jpeg, self._max_pixels)
        started = time.perf_counter()
        plates = await asyncio.to_thread(self._reader.read, frame.image_jpeg)
        READ_SECONDS.observe(time.perf_counter() - started)
        return plates

    def _batchable(self, frame: FrameCaptured) -> bool:
        # A frame without a readable header is left out too: it would only spoil its chunk.
        pixels = declared_pixels(frame.image_jpeg)
        return pixels is not None and pixels <= self._alone_above_pixels

    def _read_chunk(self, frames: list[FrameCaptured]) -> dict[FrameKey, list[PlateReading]]:
        started = time.perf_counter()
        try:
            readings = self._reader.read_many([frame.image_jpeg for frame in frames])
        except ImageDecodeError:
            # One bad frame spoils the chunk's call: the rest are read one by one when handled.
            log.info("a frame in a batch of %d is no image: reading them one by one", len(frames))
            return {}
        elapsed = time.perf_counter() - started
        BATCH_FRAMES.observe(len(frames))
        BATCH_SECONDS.observe(elapsed)
        for _ in frames:
            READ_SECONDS.observe(elapsed / len(frames))
        return {(f.camera_id, f.frame_id): plates for f, plates in zip(frames, readings, strict=True)}


def _frame_of(record: ConsumerRecord[bytes, bytes]) -> FrameCaptured | None:
    try:
        event = parse_event(record.value or b"")
    except ContractError:
        return None  # the handler dead-letters it
    return event if isinstance(event, FrameCaptured) else None
