"""Use cases of ingest: accept a frame, accept an already-recognised read, manage locations and placements."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from prometheus_client import Counter

from anpr_contracts import FRAMES, READS, FrameCaptured, PlateRecognized
from anpr_ingest.adapters.publisher import Publisher
from anpr_ingest.adapters.repository import FrameRepository, IngestRepository, SiteLookup
from anpr_ingest.domain.clock import check_capture_time
from anpr_ingest.domain.jpeg import jpeg_dimensions
from anpr_ingest.domain.model import CameraNotPlaced, Location, Placement, UnknownCamera
from anpr_runtime import Conflict, NotFound, PermanentError
from anpr_runtime.pseudonym import vehicle_key

# Only registered cameras are counted, so the camera label cannot grow with whatever a client sends.
REJECTED = Counter("anpr_ingest_rejected_total", "Frames and reads refused, by camera", ["camera", "input", "reason"])

AMENDABLE = frozenset({"regimes", "sign", "consent_reference"})


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
    max_age_seconds: float | None = None


async def accept_frame(
    command: AcceptFrame, repo: FrameRepository, publisher: Publisher, limits: FrameLimits, now: datetime
) -> bool:
    """Validate and publish a frame; False when it is a retry of a frame already accepted."""
    jpeg_dimensions(command.image, limits.max_bytes)
    check_capture_time(command.captured_at, now, limits.max_skew_seconds, limits.max_age_seconds)
    await known_camera(command.camera_id, repo)
    location = await _where_camera_stood(command.camera_id, command.captured_at, "frame", repo)
    if not await repo.remember_frame(command.camera_id, command.frame_id, now):
        return False
    event = FrameCaptured(
        frame_id=command.frame_id,
        camera_id=command.camera_id,
        captured_at=command.captured_at,
        image_jpeg=command.image,
        correlation_id=command.correlation_id,
        **_stamp(location),
    )
    # Frames are keyed by camera so one camera's frames stay in order (consolidation needs that).
    # The caller commits the idempotency row only after this publish succeeded.
    await publisher.publish(FRAMES.name, command.camera_id, event)
    return True


async def accept_read(
    read: PlateRecognized, repo: SiteLookup, publisher: Publisher, pseudonym_key: str
) -> PlateRecognized:
    """Stamp the location of an external read and send it straight to rules."""
    stamped = await stamp_read(read, repo)
    await publisher.publish(READS.name, vehicle_key(read.plate, pseudonym_key), stamped)
    return stamped


async def stamp_read(read: PlateRecognized, repo: SiteLookup) -> PlateRecognized:
    """The read with the location, zone and direction where it was taken; refused when there is none."""
    if read.camera_id is not None:
        await known_camera(read.camera_id, repo)
        # Our placement records win over a location the source sent.
        location = await _where_camera_stood(read.camera_id, read.observed_at, "read", repo)
    elif read.location_id is not None:
        location = await find_location(read.location_id, repo)
    else:
        raise PermanentError("a read needs a camera placed at a location at that moment, or a location_id")
    return read.model_copy(update=_stamp(location))


async def place_camera(placement: Placement, repo: IngestRepository) -> None:
    """Put a camera at a location from a moment on; the open placement before it ends there."""
    await known_camera(placement.camera_id, repo)
    await find_location(placement.location_id, repo)
    history = await repo.placements_of(placement.camera_id)
    if history and not (last := history[-1]).can_be_followed_at(placement.valid_from):
        until = last.valid_until.isoformat() if last.valid_until else "open"
        raise Conflict(
            f"placements may only be appended after the last one of camera {placement.camera_id}"
            f" ({last.location_id} from {last.valid_from.isoformat()}, until {until})"
        )
    await repo.end_open_placement(placement.camera_id, placement.valid_from)
    await repo.add_placement(placement)


async def end_placement(camera_id: str, at: datetime, repo: IngestRepository) -> Placement:
    """Take a camera down: it stands nowhere (and its frames are refused) until it is placed again."""
    await known_camera(camera_id, repo)
    history = await repo.placements_of(camera_id)
    current = history[-1] if history and history[-1].valid_until is None else None
    if current is None:
        raise Conflict(f"camera {camera_id} has no open placement to end")
    if at <= current.valid_from:
        raise Conflict(f"the placement of camera {camera_id} began at {current.valid_from.isoformat()}: end it later")
    if not await repo.end_open_placement(camera_id, at):  # another request ended it meanwhile
        raise Conflict(f"camera {camera_id} has no open placement to end")
    return replace(current, valid_until=at)


async def placement_history(camera_id: str, repo: IngestRepository) -> list[Placement]:
    await known_camera(camera_id, repo)
    return await repo.placements_of(camera_id)


async def amend_location(location_id: str, changes: Mapping[str, Any], repo: IngestRepository) -> Location:
    """Change what is enforced at a location; what it is (name, zone, direction) stays, so history keeps its meaning."""
    if fixed := sorted(set(changes) - AMENDABLE):
        raise PermanentError(f"{', '.join(fixed)} of a location cannot be changed")
    amended = replace(await find_location(location_id, repo), **changes)
    await repo.update_location(amended)
    return amended


async def find_location(location_id: str, repo: SiteLookup) -> Location:
    location = await repo.get_location(location_id)
    if location is None:
        raise NotFound(f"unknown location {location_id!r}")
    return location


async def known_camera(camera_id: str, repo: SiteLookup) -> None:
    if await repo.get_camera(camera_id) is None:
        raise UnknownCamera(camera_id)


async def _where_camera_stood(
    camera_id: str, moment: datetime, given: Literal["frame", "read"], repo: SiteLookup
) -> Location:
    placement = await repo.placement_at(camera_id, moment)
    if placement is None:
        REJECTED.labels(camera_id, given, "no_placement").inc()
        raise CameraNotPlaced(camera_id, moment)
    return await find_location(placement.location_id, repo)


def _stamp(location: Location) -> dict[str, Any]:
    return {"location_id": location.location_id, "zone_id": location.zone_id, "direction": location.direction}
