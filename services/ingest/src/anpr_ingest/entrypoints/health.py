"""Camera health for operators: frame rates, refusals by reason and clock skew, per camera."""

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from pydantic import AwareDatetime, BaseModel, Field

from anpr_ingest.adapters.health import PostgresCameraHealthRepository
from anpr_ingest.adapters.repository import PostgresIngestRepository
from anpr_ingest.bootstrap import IngestComponents
from anpr_ingest.domain.health import CameraHealth
from anpr_ingest.entrypoints.deps import Operator, resources_of
from anpr_ingest.handlers import camera_health, health_report
from anpr_runtime.inputs import Identifier

router = APIRouter(prefix="/v1")


class CameraHealthOut(BaseModel):
    camera_id: str
    last_frame_at: AwareDatetime | None = Field(description="Server time of the last accepted frame.")
    frames_per_minute_5m: float = Field(description="Accepted frames per minute over the last 5 minutes.")
    frames_per_minute_60m: float = Field(description="Accepted frames per minute over the last 60 minutes.")
    rejected_24h: dict[str, int] = Field(description="Refused frames in the last 24 hours, by reason.")
    clock_skew_seconds: float | None = Field(
        description="Last captured_at minus server time (positive: the camera's clock runs ahead)."
    )
    clock_skew_measured_at: AwareDatetime | None
    clock_suspect: bool = Field(description="The last skew was beyond the allowed skew, ahead or behind.")

    @classmethod
    def of(cls, health: CameraHealth) -> "CameraHealthOut":
        return cls(**vars(health))


class HealthReportOut(BaseModel):
    cameras: list[CameraHealthOut]
    unregistered: dict[str, int] = Field(
        description="Refused frames in the last 24 hours that named no registered camera, by reason."
    )


@router.get("/cameras/health")
async def get_cameras_health(request: Request, _: Operator) -> HealthReportOut:
    resources = resources_of(request)
    components = resources.component(IngestComponents)
    # What this instance counted since its last flush is written first, so its own frames show at once.
    await components.health_tally.flush(resources.engine)
    async with resources.engine.connect() as connection:
        report = await health_report(
            PostgresIngestRepository(connection),
            PostgresCameraHealthRepository(connection),
            datetime.now(UTC),
            components.settings.max_clock_skew_seconds,
        )
    return HealthReportOut(cameras=[CameraHealthOut.of(c) for c in report.cameras], unregistered=report.unregistered)


@router.get("/cameras/{camera_id}/health")
async def get_camera_health(request: Request, _: Operator, camera_id: Identifier) -> CameraHealthOut:
    resources = resources_of(request)
    components = resources.component(IngestComponents)
    # What this instance counted since its last flush is written first, so its own frames show at once.
    await components.health_tally.flush(resources.engine)
    async with resources.engine.connect() as connection:
        health = await camera_health(
            camera_id,
            PostgresIngestRepository(connection),
            PostgresCameraHealthRepository(connection),
            datetime.now(UTC),
            components.settings.max_clock_skew_seconds,
        )
    return CameraHealthOut.of(health)
