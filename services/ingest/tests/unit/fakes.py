"""In-memory stand-ins for the ingest ports (the same methods as their Postgres adapters)."""

from dataclasses import replace
from datetime import datetime

from anpr_ingest.domain.health import (
    UNREGISTERED,
    CameraStatus,
    FrameSeen,
    Outcome,
    OutcomeCount,
    Windows,
    merged_status,
    minute_of,
    status_of,
)
from anpr_ingest.domain.model import Camera, Location, Placement
from anpr_ingest.domain.tokens import CameraToken


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


class FakeCameraTokenRepository:
    def __init__(self) -> None:
        self.rows: dict[str, tuple[CameraToken, str]] = {}  # token_id -> (token, hash)

    async def add_token(self, token: CameraToken, token_hash: str) -> None:
        self.rows[token.token_id] = (token, token_hash)

    async def tokens_of(self, camera_id: str) -> list[CameraToken]:
        mine = [token for token, _ in self.rows.values() if token.camera_id == camera_id]
        return sorted(mine, key=lambda t: (t.created_at, t.token_id))

    async def get_token(self, camera_id: str, token_id: str) -> CameraToken | None:
        token, _ = self.rows.get(token_id, (None, ""))
        return token if token is not None and token.camera_id == camera_id else None

    async def revoke_token(self, camera_id: str, token_id: str, at: datetime) -> bool:
        token = await self.get_token(camera_id, token_id)
        if token is None or token.revoked_at is not None:
            return False
        self.rows[token_id] = (replace(token, revoked_at=at), self.rows[token_id][1])
        return True

    async def token_by_hash(self, token_hash: str) -> CameraToken | None:
        return next((token for token, hashed in self.rows.values() if hashed == token_hash), None)


class FakeCameraHealthRepository:
    def __init__(self) -> None:
        self.minutes: dict[tuple[str, datetime, Outcome], int] = {}
        self.status: dict[str, CameraStatus] = {}

    async def record(self, seen: FrameSeen) -> None:
        key = (seen.camera_id, minute_of(seen.at), seen.outcome)
        self.minutes[key] = self.minutes.get(key, 0) + 1
        if seen.camera_id == UNREGISTERED:
            return
        self.status[seen.camera_id] = merged_status(self.status.get(seen.camera_id), status_of(seen))

    async def add_counts(self, counts: dict[tuple[str, datetime, Outcome], int]) -> None:
        for key, frames in counts.items():
            self.minutes[key] = self.minutes.get(key, 0) + frames

    async def merge_statuses(self, statuses: list[CameraStatus]) -> None:
        for status in statuses:
            self.status[status.camera_id] = merged_status(self.status.get(status.camera_id), status)

    async def outcome_counts(self, camera_id: str | None, windows: Windows) -> list[OutcomeCount]:
        totals: dict[tuple[str, Outcome], list[int]] = {}
        for (camera, minute, outcome), frames in self.minutes.items():
            if minute < windows.since_24h or camera_id not in (None, camera):
                continue
            counts = totals.setdefault((camera, outcome), [0, 0, 0])
            for n, since in enumerate((windows.since_5m, windows.since_60m, windows.since_24h)):
                counts[n] += frames if minute >= since else 0
        return [OutcomeCount(camera, outcome, *counts) for (camera, outcome), counts in totals.items()]

    async def statuses(self, camera_id: str | None) -> list[CameraStatus]:
        return [s for c, s in sorted(self.status.items()) if camera_id in (None, c)]

    async def purge_before(self, moment: datetime) -> int:
        old = [key for key in self.minutes if key[1] < moment]
        for key in old:
            del self.minutes[key]
        return len(old)
