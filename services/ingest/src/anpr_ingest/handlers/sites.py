"""What every use case looks up: a registered camera, a location, where a camera stood at a moment."""

from datetime import datetime
from typing import Any, Literal

from prometheus_client import Counter

from anpr_ingest.adapters.repository import SiteLookup
from anpr_ingest.domain.model import CameraNotPlaced, Location, UnknownCamera
from anpr_runtime import NotFound

# Only registered cameras are counted, so the camera label cannot grow with whatever a client sends.
REJECTED = Counter("anpr_ingest_rejected_total", "Frames and reads refused, by camera", ["camera", "input", "reason"])


async def find_location(location_id: str, repo: SiteLookup) -> Location:
    location = await repo.get_location(location_id)
    if location is None:
        raise NotFound(f"unknown location {location_id!r}")
    return location


async def known_camera(camera_id: str, repo: SiteLookup) -> None:
    if await repo.get_camera(camera_id) is None:
        raise UnknownCamera(camera_id)


async def where_camera_stood(
    camera_id: str, moment: datetime, given: Literal["frame", "read"], repo: SiteLookup
) -> Location:
    placement = await repo.placement_at(camera_id, moment)
    if placement is None:
        REJECTED.labels(camera_id, given, "no_placement").inc()
        raise CameraNotPlaced(camera_id, moment)
    return await find_location(placement.location_id, repo)


def stamp(location: Location) -> dict[str, Any]:
    """The fields of an event that say where it was taken."""
    return {"location_id": location.location_id, "zone_id": location.zone_id, "direction": location.direction}
