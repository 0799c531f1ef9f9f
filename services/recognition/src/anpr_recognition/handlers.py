"""Recognition use case: a frame in, one read per plate out (consolidation across frames comes later)."""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol

from prometheus_client import Counter
from pydantic import BaseModel

from anpr_contracts import READS, FrameCaptured, PlateRecognized, ReadSource
from anpr_recognition.adapters.evidence import crop_jpeg
from anpr_recognition.adapters.repository import FrameLedger
from anpr_recognition.domain.plates import PlateReading
from anpr_runtime.pseudonym import vehicle_key

PLATES = Counter("anpr_recognition_plates_total", "Plates read from frames", ["country"])
FRAMES = Counter("anpr_recognition_frames_total", "Frames processed", ["outcome"])

ReadPlates = Callable[[bytes], Awaitable[list[PlateReading]]]


class Publisher(Protocol):
    async def publish(self, topic: str, key: str, event: BaseModel) -> None: ...


async def recognise_frame(
    frame: FrameCaptured,
    read_plates: ReadPlates,
    ledger: FrameLedger,
    publisher: Publisher,
    pseudonym_key: str,
    min_confidence: float,
    now: datetime,
) -> list[PlateRecognized]:
    if await ledger.seen(frame.camera_id, frame.frame_id):
        FRAMES.labels("duplicate").inc()
        return []
    readings = [r for r in await read_plates(frame.image_jpeg) if r.confidence >= min_confidence]
    reads = [_read(frame, reading) for reading in readings]
    for read in reads:
        PLATES.labels(read.country or "unknown").inc()
        await publisher.publish(READS.name, vehicle_key(read.plate, pseudonym_key), read)
    # Marked after publishing: a crash in between re-reads the frame, and notices dedupes what follows.
    await ledger.mark(frame.camera_id, frame.frame_id, len(reads), now)
    FRAMES.labels("read" if reads else "no_plate").inc()
    return reads


def _read(frame: FrameCaptured, reading: PlateReading) -> PlateRecognized:
    return PlateRecognized(
        source=ReadSource.CAMERA,
        camera_id=frame.camera_id,
        location_id=frame.location_id,
        zone_id=frame.zone_id,
        direction=frame.direction,
        observed_at=frame.captured_at,
        plate=reading.text,
        formatted=reading.formatted or None,
        country=reading.country,
        confidence=round(min(1.0, max(0.0, reading.confidence)), 4),
        box=reading.box,
        frame_id=frame.frame_id,
        plate_jpeg=crop_jpeg(frame.image_jpeg, reading.box),
        overview_jpeg=frame.image_jpeg,
        correlation_id=frame.correlation_id,
    )
