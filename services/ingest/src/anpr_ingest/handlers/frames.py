"""A frame from a camera gateway: checked, stamped with where its camera stood, published and counted."""

from dataclasses import dataclass
from datetime import datetime

from anpr_contracts import FRAMES, FrameCaptured
from anpr_ingest.adapters.health import HealthRecorder
from anpr_ingest.adapters.repository import FrameRepository
from anpr_ingest.domain.clock import check_capture_time
from anpr_ingest.domain.health import Outcome
from anpr_ingest.domain.jpeg import DEFAULT_MAX_PIXELS, jpeg_dimensions
from anpr_ingest.handlers.camera_health import note_frame
from anpr_ingest.handlers.sites import known_camera, stamp, where_camera_stood
from anpr_runtime.ports import Publisher


@dataclass(frozen=True)
class AcceptFrame:
    camera_id: str
    captured_at: datetime
    frame_id: str
    image: bytes
    correlation_id: str


@dataclass(frozen=True)
class FrameLimits:
    max_bytes: int
    max_skew_seconds: float
    max_age_seconds: float | None = None
    max_pixels: int = DEFAULT_MAX_PIXELS  # as declared in the JPEG header


@dataclass(frozen=True)
class FramePorts:
    repo: FrameRepository
    health: HealthRecorder
    publisher: Publisher


async def accept_frame(
    command: AcceptFrame, repo: FrameRepository, publisher: Publisher, limits: FrameLimits, now: datetime
) -> bool:
    """Validate and publish a frame; False when it is a retry of a frame already accepted."""
    jpeg_dimensions(command.image, limits.max_bytes, limits.max_pixels)
    check_capture_time(command.captured_at, now, limits.max_skew_seconds, limits.max_age_seconds)
    await known_camera(command.camera_id, repo)
    location = await where_camera_stood(command.camera_id, command.captured_at, "frame", repo)
    if not await repo.remember_frame(command.camera_id, command.frame_id, now):
        return False
    event = FrameCaptured(
        frame_id=command.frame_id,
        camera_id=command.camera_id,
        captured_at=command.captured_at,
        image_jpeg=command.image,
        correlation_id=command.correlation_id,
        **stamp(location),
    )
    # Frames are keyed by camera so one camera's frames stay in order (consolidation needs that).
    # The caller commits the idempotency row only after this publish succeeded.
    await publisher.publish(FRAMES.name, command.camera_id, event)
    return True


async def receive_frame(command: AcceptFrame, ports: FramePorts, limits: FrameLimits, now: datetime) -> bool:
    """Accept a frame and count it, in the caller's transaction; False for a retry of an accepted frame."""
    fresh = await accept_frame(command, ports.repo, ports.publisher, limits, now)
    # Counted after the publish: the counter rows stay locked only from here to the commit, not
    # while the broker is slow.
    outcome = Outcome.ACCEPTED if fresh else Outcome.DUPLICATE
    await note_frame(command.camera_id, outcome, command.captured_at, now, ports.repo, ports.health)
    return fresh
