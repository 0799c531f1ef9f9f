from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Row, and_, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from anpr_contracts import Direction
from anpr_ingest.adapters.tables import cameras, frames_seen, locations, placements
from anpr_ingest.domain.model import Camera, CameraKind, Location, Placement
from anpr_runtime import Conflict


class SiteLookup(Protocol):
    """Where cameras stand: all that stamping a frame or a read needs."""

    async def get_camera(self, camera_id: str) -> Camera | None: ...
    async def get_location(self, location_id: str) -> Location | None: ...
    async def placement_at(self, camera_id: str, moment: datetime) -> Placement | None: ...


class FrameRepository(SiteLookup, Protocol):
    async def remember_frame(self, camera_id: str, frame_id: str, now: datetime) -> bool: ...


class IngestRepository(Protocol):
    async def add_camera(self, camera: Camera, now: datetime) -> bool: ...
    async def add_location(self, location: Location) -> bool: ...
    async def update_location(self, location: Location) -> None: ...
    async def add_placement(self, placement: Placement) -> None: ...
    async def end_open_placement(self, camera_id: str, at: datetime) -> bool: ...
    async def get_camera(self, camera_id: str) -> Camera | None: ...
    async def get_location(self, location_id: str) -> Location | None: ...
    async def list_cameras(self) -> list[Camera]: ...
    async def list_locations(self) -> list[Location]: ...
    async def placements_of(self, camera_id: str) -> list[Placement]: ...
    async def placement_at(self, camera_id: str, moment: datetime) -> Placement | None: ...
    async def remember_frame(self, camera_id: str, frame_id: str, now: datetime) -> bool: ...


class PostgresIngestRepository:
    """Works inside the caller's transaction (one connection per request)."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def add_camera(self, camera: Camera, now: datetime) -> bool:
        result = await self._db.execute(
            pg_insert(cameras)
            .values(camera_id=camera.camera_id, kind=camera.kind, description=camera.description, created_at=now)
            .on_conflict_do_nothing()
        )
        return result.rowcount == 1

    async def add_location(self, location: Location) -> bool:
        result = await self._db.execute(pg_insert(locations).values(_location_row(location)).on_conflict_do_nothing())
        return result.rowcount == 1

    async def update_location(self, location: Location) -> None:
        await self._db.execute(
            update(locations).where(locations.c.location_id == location.location_id).values(_location_row(location))
        )

    async def add_placement(self, placement: Placement) -> None:
        statement = insert(placements).values(
            camera_id=placement.camera_id,
            location_id=placement.location_id,
            valid_from=placement.valid_from,
            valid_until=placement.valid_until,
        )
        try:
            await self._db.execute(statement)
        except IntegrityError as exc:  # uq_placements_open: another request placed this camera meanwhile
            raise Conflict(f"camera {placement.camera_id} was placed by another request at the same time") from exc

    async def end_open_placement(self, camera_id: str, at: datetime) -> bool:
        """False when the camera stood nowhere (already taken down, or never placed)."""
        result = await self._db.execute(
            update(placements)
            .where(and_(placements.c.camera_id == camera_id, placements.c.valid_until.is_(None)))
            .values(valid_until=at)
        )
        return result.rowcount == 1

    async def get_camera(self, camera_id: str) -> Camera | None:
        row = (await self._db.execute(select(cameras).where(cameras.c.camera_id == camera_id))).first()
        return None if row is None else Camera(row.camera_id, CameraKind(row.kind), row.description)

    async def get_location(self, location_id: str) -> Location | None:
        row = (await self._db.execute(select(locations).where(locations.c.location_id == location_id))).first()
        return None if row is None else _location(row)

    async def list_cameras(self) -> list[Camera]:
        rows = await self._db.execute(select(cameras).order_by(cameras.c.camera_id))
        return [Camera(r.camera_id, CameraKind(r.kind), r.description) for r in rows]

    async def list_locations(self) -> list[Location]:
        rows = await self._db.execute(select(locations).order_by(locations.c.location_id))
        return [_location(r) for r in rows]

    async def placements_of(self, camera_id: str) -> list[Placement]:
        rows = await self._db.execute(
            select(placements).where(placements.c.camera_id == camera_id).order_by(placements.c.valid_from)
        )
        return [Placement(r.camera_id, r.location_id, r.valid_from, r.valid_until) for r in rows]

    async def placement_at(self, camera_id: str, moment: datetime) -> Placement | None:
        row = (
            await self._db.execute(
                select(placements)
                .where(
                    and_(
                        placements.c.camera_id == camera_id,
                        placements.c.valid_from <= moment,
                        or_(placements.c.valid_until.is_(None), placements.c.valid_until > moment),
                    )
                )
                .order_by(placements.c.valid_from.desc())
                .limit(1)
            )
        ).first()
        return None if row is None else Placement(row.camera_id, row.location_id, row.valid_from, row.valid_until)

    async def remember_frame(self, camera_id: str, frame_id: str, now: datetime) -> bool:
        """False when this camera already sent this frame id (a gateway retry)."""
        result = await self._db.execute(
            pg_insert(frames_seen)
            .values(camera_id=camera_id, frame_id=frame_id, accepted_at=now)
            .on_conflict_do_nothing()
        )
        return result.rowcount == 1


def _location_row(location: Location) -> dict[str, object]:
    return {
        "location_id": location.location_id,
        "name": location.name,
        "regimes": list(location.regimes),
        "zone_id": location.zone_id,
        "direction": location.direction,
        "sign": location.sign,
        "consent_reference": location.consent_reference,
    }


def _location(row: Row[Any]) -> Location:
    return Location(
        row.location_id,
        row.name,
        tuple(row.regimes),
        zone_id=row.zone_id,
        direction=Direction(row.direction) if row.direction else None,
        sign=row.sign,
        consent_reference=row.consent_reference,
    )
