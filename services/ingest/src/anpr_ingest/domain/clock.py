from datetime import datetime

from anpr_runtime import PermanentError


class ClockSkew(PermanentError):
    status_code = 422


class FrameTooOld(PermanentError):
    """Too old to enforce on: the evidence would be stale, or the camera's clock runs far behind."""

    status_code = 422


def skew_seconds(captured_at: datetime, now: datetime) -> float:
    """Capture time minus server time: positive when the camera's clock runs ahead."""
    return (captured_at - now).total_seconds()


def check_capture_time(
    captured_at: datetime, now: datetime, max_skew_seconds: float, max_age_seconds: float | None = None
) -> None:
    skew = skew_seconds(captured_at, now)
    if skew > max_skew_seconds:
        raise ClockSkew(f"X-Captured-At is {skew:.0f} s in the future (camera clock wrong?)")
    if max_age_seconds is not None and -skew > max_age_seconds:
        raise FrameTooOld(
            f"X-Captured-At is {-skew / 3600:.1f} h old; frames older than {max_age_seconds / 3600:g} h are refused"
        )
