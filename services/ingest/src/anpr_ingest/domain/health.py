"""Camera health from what each camera's frames told us, counted per minute: no images, no plates."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from anpr_ingest.domain.clock import ClockSkew, FrameTooOld
from anpr_ingest.domain.jpeg import FrameTooLarge, InvalidFrame
from anpr_ingest.domain.model import CameraNotPlaced, UnknownCamera
from anpr_ingest.domain.tokens import WrongCamera


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    BAD_TYPE = "bad_type"
    TOO_LARGE = "too_large"
    CLOCK_SKEW = "clock_skew"
    TOO_OLD = "too_old"
    NO_PLACEMENT = "no_placement"
    UNKNOWN_CAMERA = "unknown_camera"
    WRONG_TOKEN = "wrong_token"  # noqa: S105 - a reason, no secret
    DUPLICATE = "duplicate"


REFUSALS = tuple(outcome for outcome in Outcome if outcome is not Outcome.ACCEPTED)

# Every camera id nobody registered is counted in this one bucket, so a sender cannot grow the tables.
# Camera ids must match [A-Za-z0-9_.:-]+, so no registered camera can be called this.
UNREGISTERED = "(unregistered)"

_REFUSED_BY: tuple[tuple[type[Exception], Outcome], ...] = (
    (WrongCamera, Outcome.WRONG_TOKEN),
    (InvalidFrame, Outcome.BAD_TYPE),
    (FrameTooLarge, Outcome.TOO_LARGE),
    (ClockSkew, Outcome.CLOCK_SKEW),
    (FrameTooOld, Outcome.TOO_OLD),
    (CameraNotPlaced, Outcome.NO_PLACEMENT),
    (UnknownCamera, Outcome.UNKNOWN_CAMERA),
)


def refusal_of(exc: BaseException) -> Outcome | None:
    """The health reason for an error a frame was refused with; None when it says nothing about the camera."""
    return next((outcome for kind, outcome in _REFUSED_BY if isinstance(exc, kind)), None)


@dataclass(frozen=True)
class FrameSeen:
    camera_id: str
    outcome: Outcome
    at: datetime
    # captured_at minus server time; None when the frame carried no usable capture time.
    skew_seconds: float | None


def minute_of(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


@dataclass(frozen=True)
class Windows:
    """Minute buckets from these starts on, the current (partial) minute included."""

    since_5m: datetime
    since_60m: datetime
    since_24h: datetime

    @classmethod
    def ending(cls, now: datetime) -> "Windows":
        current = minute_of(now)
        return cls(current - timedelta(minutes=4), current - timedelta(minutes=59), current - timedelta(minutes=1439))


@dataclass(frozen=True)
class OutcomeCount:
    camera_id: str
    outcome: Outcome
    last_5m: int
    last_60m: int
    last_24h: int


@dataclass(frozen=True)
class CameraStatus:
    camera_id: str
    last_frame_at: datetime | None
    skew_seconds: float | None
    skew_measured_at: datetime | None


def status_of(seen: FrameSeen) -> CameraStatus:
    """What one frame tells about its camera: when it was last accepted, and its clock skew."""
    return CameraStatus(
        seen.camera_id,
        seen.at if seen.outcome is Outcome.ACCEPTED else None,
        seen.skew_seconds,
        seen.at if seen.skew_seconds is not None else None,
    )


def merged_status(old: CameraStatus | None, new: CameraStatus | None) -> CameraStatus:
    """The latest accepted frame, and the most recently measured skew (what the database upsert does too)."""
    if old is None or new is None:
        merged = old or new
        assert merged is not None
        return merged
    newer = old.skew_measured_at is None or (
        new.skew_measured_at is not None and new.skew_measured_at >= old.skew_measured_at
    )
    return CameraStatus(
        old.camera_id,
        _latest(old.last_frame_at, new.last_frame_at),
        new.skew_seconds if newer else old.skew_seconds,
        _latest(old.skew_measured_at, new.skew_measured_at),
    )


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return max((m for m in (a, b) if m is not None), default=None)


@dataclass(frozen=True)
class CameraHealth:
    camera_id: str
    last_frame_at: datetime | None
    frames_per_minute_5m: float
    frames_per_minute_60m: float
    rejected_24h: dict[str, int] = field(default_factory=dict)
    clock_skew_seconds: float | None = None
    clock_skew_measured_at: datetime | None = None
    # Ahead or behind by more than the allowed skew. A camera uploading a backlog looks behind until its
    # live frames arrive again: the last measurement wins.
    clock_suspect: bool = False


def summarise(
    camera_id: str, counts: list[OutcomeCount], status: CameraStatus | None, max_skew_seconds: float
) -> CameraHealth:
    mine = [c for c in counts if c.camera_id == camera_id]
    accepted = [c for c in mine if c.outcome is Outcome.ACCEPTED]
    skew = status.skew_seconds if status else None
    return CameraHealth(
        camera_id=camera_id,
        last_frame_at=status.last_frame_at if status else None,
        frames_per_minute_5m=sum(c.last_5m for c in accepted) / 5,
        frames_per_minute_60m=sum(c.last_60m for c in accepted) / 60,
        rejected_24h={c.outcome.value: c.last_24h for c in mine if c.outcome is not Outcome.ACCEPTED and c.last_24h},
        clock_skew_seconds=skew,
        clock_skew_measured_at=status.skew_measured_at if status else None,
        clock_suspect=skew is not None and abs(skew) > max_skew_seconds,
    )
