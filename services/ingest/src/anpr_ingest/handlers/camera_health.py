"""Camera health: every frame's outcome counted for its camera, and the report operators read."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from anpr_ingest.adapters import metrics
from anpr_ingest.adapters.health import CameraHealthRepository, HealthRecorder
from anpr_ingest.adapters.repository import IngestRepository, SiteLookup
from anpr_ingest.domain.clock import skew_seconds
from anpr_ingest.domain.health import UNREGISTERED, CameraHealth, FrameSeen, Outcome, Windows, summarise
from anpr_ingest.handlers.sites import known_camera

# These outcomes are only reached after the camera was found, so counting them needs no look-up.
_REGISTERED_ONLY = frozenset({Outcome.ACCEPTED, Outcome.DUPLICATE, Outcome.NO_PLACEMENT})


async def note_frame(
    camera_id: str,
    outcome: Outcome,
    captured_at: datetime | None,
    now: datetime,
    repo: SiteLookup,
    health: HealthRecorder,
) -> None:
    registered = outcome in _REGISTERED_ONLY or (
        outcome is not Outcome.UNKNOWN_CAMERA and await repo.get_camera(camera_id) is not None
    )
    skew = None if captured_at is None or not registered else skew_seconds(captured_at, now)
    await health.record(FrameSeen(camera_id if registered else UNREGISTERED, outcome, now, skew))
    metrics.frame_counted(camera_id if registered else None, outcome, skew, now)


@dataclass(frozen=True)
class HealthReport:
    cameras: list[CameraHealth]
    # Refusals of frames that named no registered camera, by reason, over the last 24 hours.
    unregistered: dict[str, int] = field(default_factory=dict)


async def camera_health(
    camera_id: str, repo: IngestRepository, health: CameraHealthRepository, now: datetime, max_skew_seconds: float
) -> CameraHealth:
    await known_camera(camera_id, repo)
    counts = await health.outcome_counts(camera_id, Windows.ending(now))
    status = next(iter(await health.statuses(camera_id)), None)
    return summarise(camera_id, counts, status, max_skew_seconds)


async def health_report(
    repo: IngestRepository, health: CameraHealthRepository, now: datetime, max_skew_seconds: float
) -> HealthReport:
    counts = await health.outcome_counts(None, Windows.ending(now))
    statuses = {status.camera_id: status for status in await health.statuses(None)}
    cameras = [
        summarise(camera.camera_id, counts, statuses.get(camera.camera_id), max_skew_seconds)
        for camera in await repo.list_cameras()
    ]
    return HealthReport(cameras, summarise(UNREGISTERED, counts, None, max_skew_seconds).rejected_24h)


async def purge_health(health: CameraHealthRepository, now: datetime, retention: timedelta) -> int:
    return await health.purge_before(now - retention)
