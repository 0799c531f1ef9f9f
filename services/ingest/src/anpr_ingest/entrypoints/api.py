from datetime import UTC, datetime
from typing import Annotated
from uuid import uuid4

from fastapi import APIRouter, Depends, FastAPI, Header, Request, status
from pydantic import AwareDatetime, BaseModel, Field

from anpr_ingest.adapters.repository import PostgresIngestRepository
from anpr_ingest.bootstrap import SPEC, bootstrap
from anpr_ingest.config import IngestSettings
from anpr_ingest.domain.model import Camera, CameraKind, Location, Placement
from anpr_ingest.entrypoints.schemas import CameraIn, LocationIn, PlacementIn, ReadIn
from anpr_ingest.handlers import AcceptFrame, FrameLimits, accept_frame, accept_read, place_camera
from anpr_runtime import Conflict
from anpr_runtime.auth import Principal, Role, require_roles
from anpr_runtime.http import create_service_app
from anpr_runtime.publisher import KafkaEventPublisher
from anpr_runtime.service import Resources, service_lifespan

router = APIRouter(prefix="/v1")
Camera_ = Annotated[Principal, Depends(require_roles(Role.CAMERA, Role.SERVICE))]
Admin = Annotated[Principal, Depends(require_roles())]
Operator = Annotated[Principal, Depends(require_roles(Role.OPERATOR, Role.SUPERVISOR))]


def _resources(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources


class FrameAccepted(BaseModel):
    frame_id: str
    duplicate: bool = Field(description="True when this frame id was accepted before (a retry).")


@router.post("/frames", status_code=status.HTTP_202_ACCEPTED, response_model=FrameAccepted)
async def post_frame(
    request: Request,
    _: Camera_,
    x_camera_id: Annotated[str, Header(min_length=1, max_length=100)],
    x_captured_at: Annotated[AwareDatetime, Header()],
    x_frame_id: Annotated[str | None, Header(min_length=1, max_length=200)] = None,
    x_correlation_id: Annotated[str | None, Header(max_length=100)] = None,
) -> FrameAccepted:
    resources = _resources(request)
    settings = resources.settings
    assert isinstance(settings, IngestSettings)
    command = AcceptFrame(
        camera_id=x_camera_id,
        captured_at=x_captured_at,
        frame_id=x_frame_id or str(uuid4()),
        image=await request.body(),
        correlation_id=x_correlation_id or str(uuid4()),
    )
    limits = FrameLimits(settings.max_frame_bytes, settings.max_clock_skew_seconds)
    async with resources.engine.begin() as connection:
        fresh = await accept_frame(
            command,
            PostgresIngestRepository(connection),
            KafkaEventPublisher(resources.producer, settings.topic_prefix),
            limits,
            datetime.now(UTC),
        )
    return FrameAccepted(frame_id=command.frame_id, duplicate=not fresh)


@router.post("/reads", status_code=status.HTTP_202_ACCEPTED)
async def post_read(request: Request, _: Camera_, body: ReadIn) -> dict[str, str]:
    resources = _resources(request)
    async with resources.engine.begin() as connection:
        read = await accept_read(
            body.to_event(),
            PostgresIngestRepository(connection),
            KafkaEventPublisher(resources.producer, resources.settings.topic_prefix),
            resources.settings.pseudonym_key.get_secret_value(),
        )
    return {"read_id": str(read.read_id), "location_id": read.location_id or ""}


@router.post("/cameras", status_code=status.HTTP_201_CREATED)
async def post_camera(request: Request, _: Admin, body: CameraIn) -> CameraIn:
    async with _resources(request).engine.begin() as connection:
        camera = Camera(body.camera_id, CameraKind(body.kind), body.description)
        if not await PostgresIngestRepository(connection).add_camera(camera, datetime.now(UTC)):
            raise Conflict(f"camera {body.camera_id!r} exists")
    return body


@router.get("/cameras")
async def get_cameras(request: Request, _: Operator) -> list[CameraIn]:
    async with _resources(request).engine.connect() as connection:
        found = await PostgresIngestRepository(connection).list_cameras()
    return [CameraIn(camera_id=c.camera_id, kind=c.kind, description=c.description) for c in found]


@router.post("/locations", status_code=status.HTTP_201_CREATED)
async def post_location(request: Request, _: Admin, body: LocationIn) -> LocationIn:
    async with _resources(request).engine.begin() as connection:
        location = Location(body.location_id, body.name, tuple(body.regimes))
        if not await PostgresIngestRepository(connection).add_location(location):
            raise Conflict(f"location {body.location_id!r} exists")
    return body


@router.get("/locations")
async def get_locations(request: Request, _: Operator) -> list[LocationIn]:
    async with _resources(request).engine.connect() as connection:
        found = await PostgresIngestRepository(connection).list_locations()
    return [LocationIn(location_id=loc.location_id, name=loc.name, regimes=list(loc.regimes)) for loc in found]


@router.post("/cameras/{camera_id}/placements", status_code=status.HTTP_201_CREATED)
async def post_placement(request: Request, _: Admin, camera_id: str, body: PlacementIn) -> PlacementIn:
    async with _resources(request).engine.begin() as connection:
        await place_camera(
            Placement(camera_id, body.location_id, body.valid_from, None), PostgresIngestRepository(connection)
        )
    return body


@router.get("/cameras/{camera_id}/placements")
async def get_placements(request: Request, _: Operator, camera_id: str) -> list[dict[str, str | None]]:
    async with _resources(request).engine.connect() as connection:
        history = await PostgresIngestRepository(connection).placements_of(camera_id)
    return [
        {
            "location_id": p.location_id,
            "valid_from": p.valid_from.isoformat(),
            "valid_until": p.valid_until.isoformat() if p.valid_until else None,
        }
        for p in history
    ]


def create_app(settings: IngestSettings | None = None) -> FastAPI:
    return create_service_app(
        "ingest", service_lifespan(SPEC, lambda: settings or IngestSettings(), bootstrap), [router]
    )
