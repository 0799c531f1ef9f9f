"""In-memory stand-ins for the ingest ports (same methods as `PostgresIngestRepository`)."""

from dataclasses import replace
from datetime import datetime

from anpr_ingest.domain.model import Camera, Location, Placement


class FakeIngestRepository:
    def __init__(self) -> None:
        self.cameras: dict[str, Camera] = {}
        self.locations: dict[str, Location] = {}
        self.placements: list[Placement] = []
        self.frames_seen: dict[tuple[str, str], datetime] = {}

    async def add_camera(self, camera: Camera, now: datetime) -> bool:
        if camera.camera_id in self.cameras:
            return False
        self.cameras[camera.camera_id] = camera
        return True

    async def add_location(self, location: Location) -> bool:
        if location.location_id in self.locations:
            return False
        self.locations[location.location_id] = location
        return True

    async def update_location(self, location: Location) -> None:
        if location.location_id in self.locations:
            self.locations[location.location_id] = location

    async def add_placement(self, placement: Placement) -> None:
        self.placements.append(placement)

    async def end_open_placement(self, camera_id: str, at: datetime) -> bool:
        ended = False
        for n, placement in enumerate(self.placements):
            if placement.camera_id == camera_id and placement.valid_until is None:
                self.placements[n] = replace(placement, valid_until=at)
                ended = True
        return ended

    async def get_camera(self, camera_id: str) -> Camera | None:
        return self.cameras.get(camera_id)

    async def get_location(self, location_id: str) -> Location | None:
        return self.locations.get(location_id)

    async def list_cameras(self) -> list[Camera]:
        return sorted(self.cameras.values(), key=lambda c: c.camera_id)

    async def list_locations(self) -> list[Location]:
        return sorted(self.locations.values(), key=lambda loc: loc.location_id)

    async def placements_of(self, camera_id: str) -> list[Placement]:
        return sorted((p for p in self.placements if p.camera_id == camera_id), key=lambda p: p.valid_from)

    async def placement_at(self, camera_id: str, moment: datetime) -> Placement | None:
        found = [p for p in self.placements if p.camera_id == camera_id and p.covers(moment)]
        return max(found, key=lambda p: p.valid_from) if found else None

    async def remember_frame(self, camera_id: str, frame_id: str, now: datetime) -> bool:
        if (camera_id, frame_id) in self.frames_seen:
            return False
        self.frames_seen[camera_id, frame_id] = now
        return True
