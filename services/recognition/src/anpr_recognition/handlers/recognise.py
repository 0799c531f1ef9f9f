"""A frame in, its reads into their vehicle passages (or straight out when consolidation is off)."""

from datetime import datetime

from prometheus_client import Counter

from anpr_contracts import FrameCaptured, PlateRecognized, ReadSource
from anpr_recognition.adapters.evidence import crop_jpeg
from anpr_recognition.adapters.images import ensure_jpeg
from anpr_recognition.domain.plates import PlateReading
from anpr_recognition.handlers.ports import FrameStores, ReadPlates, ReadRules, ReadsOut

PLATES = Counter("anpr_recognition_plates_total", "Plates read from frames", ["country"])
FRAMES = Counter("anpr_recognition_frames_total", "Frames processed", ["outcome"])


async def recognise_frame(
    frame: FrameCaptured, read_plates: ReadPlates, stores: FrameStores, out: ReadsOut, rules: ReadRules, now: datetime
) -> list[PlateRecognized]:
    if await stores.ledger.seen(frame.camera_id, frame.frame_id):
        FRAMES.labels("duplicate").inc()
        return []
    ensure_jpeg(frame.image_jpeg)
    readings = [r for r in await read_plates(frame.image_jpeg) if r.confidence >= rules.min_confidence]
    reads = [_read(frame, reading) for reading in readings]
    for read in reads:
        PLATES.labels(read.country or "unknown").inc()
        if rules.pools_passages:
            # Stored in the ledger's transaction: the frame counts as done only with its reads kept.
            passage_id = await stores.passages.passage_for(read, rules.window) or read.read_id
            await stores.passages.add(passage_id, read, now)
        else:
            await out.publish(read)
    # Marked after publishing: a crash in between re-reads the frame, and notices dedupes what follows.
    await stores.ledger.mark(frame.camera_id, frame.frame_id, len(reads), now)
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
        plate_format=reading.plate_format,
        confidence=round(min(1.0, max(0.0, reading.confidence)), 4),
        box=reading.box,
        frame_id=frame.frame_id,
        plate_jpeg=crop_jpeg(frame.image_jpeg, reading.box),
        overview_jpeg=frame.image_jpeg,
        correlation_id=frame.correlation_id,
    )
