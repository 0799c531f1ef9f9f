"""Where a camera stands: placed at a location from a moment on, taken down, its history."""

from dataclasses import replace
from datetime import datetime

from anpr_ingest.adapters.repository import IngestRepository
from anpr_ingest.domain.model import Placement
from anpr_ingest.handlers.sites import find_location, known_camera
from anpr_runtime import Conflict


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
