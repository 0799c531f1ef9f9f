"""Use cases of ingest: accept a frame, accept an already-recognised read, manage where cameras stand."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from pydantic import BaseModel

from anpr_contracts import FRAMES, READS, FrameCaptured, PlateRecognized
from anpr_ingest.adapters.repository import IngestRepository
from anpr_ingest.domain.clock import check_capture_time
from anpr_ingest.domain.jpeg import jpeg_dimensions
from anpr_ingest.domain.model import Placement
from anpr_runtime import Conflict, NotFound, PermanentError
from anpr_runtime.pseudonym import vehicle_key


class Publisher(Protocol):
    async def publish(self, topic: str, key: str, event: BaseModel) -> None: ...


@dataclass(frozen=True)
class AcceptFrame:
    camera_id: str
    captured_at: datetime
    frame_id: str
    image: bytes
    correlation_id: str


@dataclass(frozen=True)
class FrameLimits:
    max_bytes: int
    max_skew_seconds: float


async def accept_frame(
    command: AcceptFrame, repo: IngestRepository, publisher: Publisher, limits: FrameLimits, now: datetime
) -> bool:
    """Validate and publish a frame; False when it is a retry of a frame already accepted."""
    jpeg_dimensions(command.image, limits.max_bytes)
    check_capture_time(command.captured_at, now, limits.max_skew_seconds)
    if await repo.get_camera(command.camera_id) is None:
        raise NotFound(f"unknown camera {command.camera_id!r}")
    if not await repo.remember_frame(command.camera_id, command.frame_id, now):
        return False
    placement = await repo.placement_at(command.camera_id, command.captured_at)
    event = FrameCaptured(
        frame_id=command.frame_id,
        camera_id=command.camera_id,
        location_id=placement.location_id if placement else None,
        captured_at=command.captured_at,
        image_jpeg=command.image,
        correlation_id=command.correlation_id,
    )
    # Frames are keyed by camera so one camera's frames stay in order (consolidation needs that).
    # The caller commits the idempotency row only after this publish succeeded.
    await publisher.publish(FRAMES.name, command.camera_id, event)
    return True


async def accept_read(
    read: PlateRecognized, repo: IngestRepository, publisher: Publisher, pseudonym_key: str
) -> PlateRecognized:
    """Stamp the location of an external read and send it straight to rules."""
    location_id = read.location_id
    if read.camera_id is not None:
        if await repo.get_camera(read.camera_id) is None:
            raise NotFound(f"unknown camera {read.camera_id!r}")
        placement = await repo.placement_at(read.camera_id, read.observed_at)
        location_id = placement.location_id if placement else location_id
    if location_id is None:
        raise PermanentError("a read needs a camera placed at a location at that moment, or a location_id")
    if await repo.get_location(location_id) is None:
        raise NotFound(f"unknown location {location_id!r}")
    stamped = read.model_copy(update={"location_id": location_id})
    await publisher.publish(READS.name, vehicle_key(read.plate, pseudonym_key), stamped)
    return stamped


async def place_camera(placement: Placement, repo: IngestRepository) -> None:
    """Put a camera at a location from a moment on; the open placement before it ends there."""
    if await repo.get_camera(placement.camera_id) is None:
        raise NotFound(f"unknown camera {placement.camera_id!r}")
    if await repo.get_location(placement.location_id) is None:
        raise NotFound(f"unknown location {placement.location_id!r}")
    history = await repo.placements_of(placement.camera_id)
    if any(p.valid_from >= placement.valid_from for p in history):
        raise Conflict("placements may only be appended after the last one")
    await repo.end_open_placement(placement.camera_id, placement.valid_from)
    await repo.add_placement(placement)
