from datetime import datetime

from anpr_runtime import PermanentError


class ClockSkew(PermanentError):
    status_code = 422


def check_capture_time(captured_at: datetime, now: datetime, max_skew_seconds: float) -> None:
    skew = (captured_at - now).total_seconds()
    if skew > max_skew_seconds:
        raise ClockSkew(f"X-Captured-At is {skew:.0f} s in the future (camera clock wrong?)")
