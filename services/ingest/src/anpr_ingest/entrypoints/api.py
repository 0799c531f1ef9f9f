from datetime import UTC, datetime
from typing import Annotated
from uuid import uuid4

from fastapi import APIRouter, FastAPI, Header, Request, status
from pydantic import AwareDatetime, BaseModel, Field

from anpr_contracts import Direction
from anpr_ingest.adapters.repository import PostgresIngestRepository
from anpr_ingest.bootstrap import SPEC, bootstrap
from anpr_ingest.config import IngestSettings
from anpr_ingest.entrypoints import sites
from anpr_ingest.entrypoints.deps import CameraRole, resources_of
from anpr_ingest.entrypoints.schemas import ReadIn
from anpr_ingest.handlers import AcceptFrame, FrameLimits, accept_frame, accept_read
from anpr_runtime.http import create_service_app
from anpr_runtime.publisher import KafkaEventPublisher
from anpr_runtime.service import service_lifespan

router = APIRouter(prefix="/v1")


class FrameAccepted(BaseModel):
    frame_id: str
    duplicate: bool = Field(description="True when this frame id was accepted before (a retry).")


class ReadAccepted(BaseModel):
    read_id: str
    location_id: str = Field(description="Where the read was attributed: the camera's placement, or as sent.")
    zone_id: str | None
    direction: Direction | None


@router.post("/frames", status_code=status.HTTP_202_ACCEPTED, response_model=FrameAccepted)
async def post_frame(
    request: Request,
    _: CameraRole,
    x_camera_id: Annotated[str, Header(min_length=1, max_length=100)],
    x_captured_at: Annotated[AwareDatetime, Header()],
    x_frame_id: Annotated[str | None, Header(min_length=1, max_length=200)] = None,
    x_correlation_id: Annotated[str | None, Header(max_length=100)] = None,
) -> FrameAccepted:
    resources = resources_of(request)
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
async def post_read(request: Request, _: CameraRole, body: ReadIn) -> ReadAccepted:
    resources = resources_of(request)
    async with resources.engine.begin() as connection:
        read = await accept_read(
            body.to_event(),
            PostgresIngestRepository(connection),
            KafkaEventPublisher(resources.producer, resources.settings.topic_prefix),
            resources.settings.pseudonym_key.get_secret_value(),
        )
    return ReadAccepted(
        read_id=str(read.read_id), location_id=read.location_id or "", zone_id=read.zone_id, direction=read.direction
    )


def create_app(settings: IngestSettings | None = None) -> FastAPI:
    return create_service_app(
        "ingest", service_lifespan(SPEC, lambda: settings or IngestSettings(), bootstrap), [router, sites.router]
    )
