"""Recognition use cases: a frame in, its reads into their vehicle passages (or straight out when
consolidation is off); a closed passage out as one read."""

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Protocol

from prometheus_client import Counter, Histogram
from pydantic import BaseModel

from anpr_contracts import READS, FrameCaptured, PlateRecognized, ReadSource
from anpr_recognition.adapters.evidence import crop_jpeg
from anpr_recognition.adapters.images import ensure_jpeg
from anpr_recognition.adapters.passages import PassageRepository
from anpr_recognition.adapters.repository import FrameLedger
from anpr_recognition.domain.passages import Vote, vote
from anpr_recognition.domain.plates import PlateReading
from anpr_runtime.pseudonym import vehicle_key

PLATES = Counter("anpr_recognition_plates_total", "Plates read from frames", ["country"])
FRAMES = Counter("anpr_recognition_frames_total", "Frames processed", ["outcome"])
# Observed by the reader (batch_reading): a frame read in a batch counts its share of the batch's time.
READ_SECONDS = Histogram(
    "anpr_recognition_read_seconds", "Time to read the plates of one frame", buckets=(0.05, 0.1, 0.2, 0.4, 0.8, 1.6)
)
PASSAGES = Counter("anpr_recognition_passages_total", "Vehicle passages published as one read")
PASSAGE_FRAMES = Histogram("anpr_recognition_passage_reads", "Reads pooled into one passage", buckets=(1, 2, 3, 5, 8))

ReadPlates = Callable[[bytes], Awaitable[list[PlateReading]]]


class Publisher(Protocol):
    async def publish(self, topic: str, key: str, event: BaseModel) -> None: ...


async def recognise_frame(
    frame: FrameCaptured,
    read_plates: ReadPlates,
    ledger: FrameLedger,
    passages: PassageRepository,
    publisher: Publisher,
    pseudonym_key: str,
    min_confidence: float,
    window: timedelta,
    now: datetime,
) -> list[PlateRecognized]:
    if await ledger.seen(frame.camera_id, frame.frame_id):
        FRAMES.labels("duplicate").inc()
        return []
    ensure_jpeg(frame.image_jpeg)
    readings = [r for r in await read_plates(frame.image_jpeg) if r.confidence >= min_confidence]
    reads = [_read(frame, reading) for reading in readings]
    for read in reads:
        PLATES.labels(read.country or "unknown").inc()
        if window > timedelta(0):
            # Stored in the ledger's transaction: the frame counts as done only with its reads kept.
            passage_id = await passages.passage_for(read, window) or read.read_id
            await passages.add(passage_id, read, now)
        else:
            await publisher.publish(READS.name, vehicle_key(read.plate, pseudonym_key), read)
    # Marked after publishing: a crash in between re-reads the frame, and notices dedupes what follows.
    await ledger.mark(frame.camera_id, frame.frame_id, len(reads), now)
    FRAMES.labels("read" if reads else "no_plate").inc()
    return reads


async def publish_closed_passages(
    passages: PassageRepository,
    publisher: Publisher,
    pseudonym_key: str,
    window: timedelta,
    idle: timedelta,
    now: datetime,
    limit: int = 100,
) -> list[PlateRecognized]:
    """One read per closed passage (see PassageRepository.closed): the vote's winner, best evidence kept."""
    published = []
    for passage_id in await passages.closed(window, now - idle, limit):
        reads = await passages.take(passage_id)
        if not reads:
            continue  # another instance took it
        outcome = vote([Vote(r.plate, r.confidence, r.observed_at) for r in reads])
        read = reads[outcome.winner].model_copy(update={"confidence": round(outcome.confidence, 4)})
        await publisher.publish(READS.name, vehicle_key(read.plate, pseudonym_key), read)
        PASSAGES.inc()
        PASSAGE_FRAMES.observe(outcome.frames)
        published.append(read)
    return published


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
