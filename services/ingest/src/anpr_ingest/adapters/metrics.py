"""Prometheus view of camera health (per instance; PostgreSQL holds the shared totals)."""

from datetime import datetime

from prometheus_client import Counter, Gauge

from anpr_ingest.domain.health import Outcome

# Only registered cameras get their own label, so the label set cannot grow with whatever a client sends.
UNKNOWN_LABEL = "unknown"

FRAMES = Counter("anpr_ingest_frames_total", "Frames received, by camera and outcome", ["camera", "outcome"])
CLOCK_SKEW = Gauge(
    "anpr_ingest_clock_skew_seconds", "Last captured_at minus server time, by camera (positive: ahead)", ["camera"]
)
LAST_FRAME = Gauge(
    "anpr_ingest_last_frame_timestamp_seconds", "Server time of the last accepted frame, by camera", ["camera"]
)


def frame_counted(camera_id: str | None, outcome: Outcome, skew_seconds: float | None, at: datetime) -> None:
    """`camera_id` None: not a registered camera."""
    FRAMES.labels(camera_id or UNKNOWN_LABEL, outcome).inc()
    if camera_id is None:
        return
    if skew_seconds is not None:
        CLOCK_SKEW.labels(camera_id).set(skew_seconds)
    if outcome is Outcome.ACCEPTED:
        LAST_FRAME.labels(camera_id).set(at.timestamp())
