"""Weekly time windows in Europe/Amsterdam local time. A window may wrap past midnight (22:00-02:00);
it belongs to the day it starts on. Local wall-clock time is used, so daylight saving needs no care here:
06:00 is 06:00 on the day the clocks change."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, model_validator

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class TimeWindow(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    days: tuple[str, ...] = Field(default=DAYS, description="Days the window starts on (mon..sun).")
    start: time = Field(alias="from", description="Local start time.")
    end: time = Field(alias="until", description="Local end time; at or before start means the next day.")

    @model_validator(mode="after")
    def _known_days(self) -> "TimeWindow":
        unknown = set(self.days) - set(DAYS)
        if unknown:
            raise ValueError(f"unknown days {sorted(unknown)}; use {', '.join(DAYS)}")
        return self

    def contains(self, moment: datetime) -> bool:
        return self.contains_local(moment.astimezone(AMSTERDAM))

    def contains_local(self, local: datetime) -> bool:
        """`contains` for a moment already in Amsterdam time (judging converts a read once, not per window)."""
        clock = local.time().replace(tzinfo=None)
        today = DAYS[local.weekday()]
        yesterday = DAYS[(local - timedelta(days=1)).weekday()]
        if self.start < self.end:
            return today in self.days and self.start <= clock < self.end
        # Wraps midnight: the evening part belongs to today, the early part to the day before.
        return (today in self.days and clock >= self.start) or (yesterday in self.days and clock < self.end)


def in_any(windows: tuple[TimeWindow, ...], moment: datetime) -> bool:
    """No windows means always."""
    return not windows or any(w.contains(moment) for w in windows)


def local_day(moment: datetime) -> str:
    return moment.astimezone(AMSTERDAM).date().isoformat()
