"""Cameras, locations and placements: where each camera stood when, and what is enforced there.

Writes clear this instance's site cache after their commit, so its next frame sees the change."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from fastapi import APIRouter, Request, status

from anpr_ingest.adapters.repository import PostgresIngestRepository
from anpr_ingest.domain.model import Camera, CameraKind, Placement
from anpr_ingest.entrypoints.deps import Admin, Operator, SiteKeeper, components_of, resources_of
from anpr_ingest.entrypoints.schemas import CameraIn, LocationIn, LocationPatch, PlacementEnd, PlacementIn, PlacementOut
from anpr_ingest.handlers import amend_location, end_placement, find_location, place_camera, placement_history
from anpr_runtime import Conflict
from anpr_runtime.inputs import Identifier

router = APIRouter(prefix="/v1")


@asynccontextmanager
async def _changing_sites(request: Request) -> AsyncIterator[PostgresIngestRepository]:
    """A transaction on cameras, locations and placements; this instance's site cache is cleared once it
    has committed (not when it failed)."""
    async with resources_of(request).engine.begin() as connection:
        yield PostgresIngestRepository(connection)
    components_of(request).site_cache.clear()


@router.post("/cameras", status_code=status.HTTP_201_CREATED)
async def post_camera(request: Request, _: Admin, body: CameraIn) -> CameraIn:
    async with _changing_sites(request) as repo:
        camera = Camera(body.camera_id, CameraKind(body.kind), body.description)
        if not await repo.add_camera(camera, datetime.now(UTC)):
            raise Conflict(f"camera {body.camera_id!r} exists")
    return body


@router.get("/cameras")
async def get_cameras(request: Request, _: Operator) -> list[CameraIn]:
    async with resources_of(request).engine.connect() as connection:
        found = await PostgresIngestRepository(connection).list_cameras()
    return [CameraIn(camera_id=c.camera_id, kind=c.kind, description=c.description) for c in found]


@router.post("/locations", status_code=status.HTTP_201_CREATED)
async def post_location(request: Request, _: SiteKeeper, body: LocationIn) -> LocationIn:
    async with _changing_sites(request) as repo:
        if not await repo.add_location(body.to_location()):
            raise Conflict(f"location {body.location_id!r} exists")
    return body


@router.get("/locations")
async def get_locations(request: Request, _: Operator) -> list[LocationIn]:
    async with resources_of(request).engine.connect() as connection:
        found = await PostgresIngestRepository(connection).list_locations()
    return [LocationIn.of(location) for location in found]


@router.get("/locations/{location_id}")
async def get_location(request: Request, _: Operator, location_id: Identifier) -> LocationIn:
    async with resources_of(request).engine.connect() as connection:
        return LocationIn.of(await find_location(location_id, PostgresIngestRepository(connection)))


@router.patch("/locations/{location_id}")
async def patch_location(request: Request, _: SiteKeeper, location_id: Identifier, body: LocationPatch) -> LocationIn:
    async with _changing_sites(request) as repo:
        amended = await amend_location(location_id, body.changes(), repo)
    return LocationIn.of(amended)


@router.post("/cameras/{camera_id}/placements", status_code=status.HTTP_201_CREATED)
async def post_placement(request: Request, _: SiteKeeper, camera_id: Identifier, body: PlacementIn) -> PlacementOut:
    placement = Placement(camera_id, body.location_id, body.valid_from, None)
    async with _changing_sites(request) as repo:
        await place_camera(placement, repo)
    return PlacementOut.of(placement)


@router.post("/cameras/{camera_id}/placements/end")
async def post_placement_end(
    request: Request, _: SiteKeeper, camera_id: Identifier, body: PlacementEnd
) -> PlacementOut:
    async with _changing_sites(request) as repo:
        ended = await end_placement(camera_id, body.valid_until, repo)
    return PlacementOut.of(ended)


@router.get("/cameras/{camera_id}/placements")
async def get_placements(request: Request, _: Operator, camera_id: Identifier) -> list[PlacementOut]:
    async with resources_of(request).engine.connect() as connection:
        history = await placement_history(camera_id, PostgresIngestRepository(connection))
    return [PlacementOut.of(p) for p in history]
