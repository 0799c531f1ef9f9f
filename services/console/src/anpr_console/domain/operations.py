"""The operations screen's rules: camera health at a glance and the "move camera" form, checked before
ingest sees them (ingest checks again: roles, known camera and location, placements only appended)."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from anpr_console.domain.review import FormProblem

LOCAL = ZoneInfo("Europe/Amsterdam")  # operators type local times; ingest stores instants
# A camera that sent nothing for this long is shown as stale: a working camera on a street sends every minute.
STALE_AFTER = timedelta(minutes=15)
TAKE_DOWN = "-"  # the "move to" choice that ends the placement without a new one
IDENTIFIER = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")  # ingest's id shape


@dataclass(frozen=True)
class HealthSummary:
    """What an operator must see per camera without reading numbers: stale, clock off, refusals."""

    last_frame_at: str | None
    age_minutes: int | None  # None: never sent a frame
    stale: bool
    clock_skew_seconds: float | None
    clock_suspect: bool
    refused_24h: int
    refusals: dict[str, int]


def summarise_health(health: Mapping[str, Any] | None, now: datetime) -> HealthSummary | None:
    """ingest's CameraHealthOut as the list shows it; None when ingest gave no health for the camera."""
    if health is None:
        return None
    last = health.get("last_frame_at")
    age = None
    if last:
        age = max(0, int((now - datetime.fromisoformat(str(last))).total_seconds() // 60))
    refusals = {str(k): int(v) for k, v in (health.get("rejected_24h") or {}).items() if v}
    skew = health.get("clock_skew_seconds")
    return HealthSummary(
        last_frame_at=str(last) if last else None,
        age_minutes=age,
        stale=age is None or age * 60 >= STALE_AFTER.total_seconds(),
        clock_skew_seconds=float(skew) if skew is not None else None,
        clock_suspect=bool(health.get("clock_suspect")),
        refused_24h=sum(refusals.values()),
        refusals=refusals,
    )


@dataclass(frozen=True)
class MoveForm:
    """Where the camera goes (None: taken down) and from when, as an aware instant."""

    location_id: str | None
    moment: datetime

    def describe(self) -> dict[str, str]:
        return {"location": self.location_id or TAKE_DOWN, "at": self.moment.isoformat()}


def local_moment(text: str) -> datetime:
    """A browser's datetime-local value (`2026-12-06T14:30`, seconds optional) in Amsterdam time."""
    moment = datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LOCAL)
    if not 1970 <= moment.year <= 2199:  # ingest's Moment range
        raise ValueError("out of range")
    return moment


def parse_move(form: Mapping[str, str], locations: Sequence[str]) -> MoveForm:
    where = form.get("location_id", "").strip()
    if not where:
        raise FormProblem("location_id", "ops.form.location_required")
    if where != TAKE_DOWN and where not in locations:
        raise FormProblem("location_id", "ops.form.location_unknown")
    text = form.get("valid_from", "").strip()
    if not text:
        raise FormProblem("valid_from", "ops.form.moment_required")
    try:
        moment = local_moment(text)
    except ValueError:
        raise FormProblem("valid_from", "ops.form.moment_invalid") from None
    return MoveForm(None if where == TAKE_DOWN else where, moment)


def open_placement(history: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The last placement when it has no end: the one a move or a take-down ends (it may lie ahead)."""
    return history[-1] if history and history[-1].get("valid_until") is None else None


def placement_at(history: Sequence[Mapping[str, Any]], now: datetime) -> Mapping[str, Any] | None:
    """Where the camera stands at `now`; a move planned for tomorrow does not count yet."""
    for placement in history:
        until = placement.get("valid_until")
        if datetime.fromisoformat(str(placement["valid_from"])) <= now and (
            until is None or now < datetime.fromisoformat(str(until))
        ):
            return placement
    return None


def placement_state(placement: Mapping[str, Any], now: datetime) -> str:
    """past, now or planned: the timeline says it in words, not only with a row colour."""
    if datetime.fromisoformat(str(placement["valid_from"])) > now:
        return "planned"
    until = placement.get("valid_until")
    return "now" if until is None or now < datetime.fromisoformat(str(until)) else "past"


def move_already_done(history: Sequence[Mapping[str, Any]], move: MoveForm) -> bool:
    """A second submit of the same move: ingest refuses it (409, placements are only appended), but the
    history already holds what the person asked for, so it is reported as done, not as a conflict."""
    if not history:
        return False
    last = history[-1]
    if move.location_id is None:
        until = last.get("valid_until")
        return until is not None and datetime.fromisoformat(str(until)) == move.moment
    began = datetime.fromisoformat(str(last["valid_from"]))
    return last.get("location_id") == move.location_id and began == move.moment
