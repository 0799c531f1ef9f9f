"""The rotation plan that `anpr plan-rotation` writes (.run/pilot/plan-<date>.json): read it, show it per
camera and day, and turn it into the placement steps `anpr plan-rotation --approve` would write.

Approving is made repeatable: a step already in the camera's placement history is skipped, so a second
approval (a double submit, a reload, a colleague) writes nothing twice and a half-finished one completes."""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from itertools import pairwise
from typing import Any

from anpr_console.domain.operations import IDENTIFIER, LOCAL
from anpr_console.domain.review import FormProblem
from anpr_console.domain.uploads import Multipart

MAX_DAYS = 7 * 12  # the planner's longest plan: 12 weeks
MAX_PLAN_BYTES = 2_000_000  # a 12-week plan for a few dozen cameras is well under 100 kB


@dataclass(frozen=True)
class RotationPlan:
    days: tuple[date, ...]
    cameras: dict[str, tuple[str | None, ...]]  # camera -> location per day, None: off that day
    status: str = ""
    expected_detections: float | None = None
    round_robin_expected_detections: float | None = None

    def compact(self) -> str:
        """What the approve form carries back: the plan as parse_plan reads it again."""
        return json.dumps(
            {
                "status": self.status,
                "expected_detections": self.expected_detections,
                "round_robin_expected_detections": self.round_robin_expected_detections,
                "days": [d.isoformat() for d in self.days],
                "cameras": {c: list(s) for c, s in self.cameras.items()},
            },
            separators=(",", ":"),
        )

    def start(self) -> datetime:
        """Local midnight of the first day: where "standing before the plan" is measured."""
        return datetime.combine(self.days[0], time(0), LOCAL)

    def locations(self) -> list[str]:
        return sorted({s for spots in self.cameras.values() for s in spots if s})


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def uploaded_plan(sent: Multipart) -> bytes:
    """The plan's upload: the file, else what was pasted into the text area."""
    file = sent.file("plan_file")
    content = file.data if file is not None else b""
    if not content.strip():
        content = sent.fields("plan_file").get("plan_text", "").encode()
    if not content.strip():
        raise FormProblem("plan", "ops.plan.no_file")
    return content


def parse_plan(raw: bytes | str) -> RotationPlan:
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise FormProblem("plan", "ops.plan.not_json") from None
    shaped = isinstance(data, dict) and isinstance(data.get("days"), list) and isinstance(data.get("cameras"), dict)
    if not shaped:
        raise FormProblem("plan", "ops.plan.not_a_plan")
    try:
        days = tuple(date.fromisoformat(str(d)) for d in data["days"])
    except ValueError:
        raise FormProblem("plan", "ops.plan.bad_day") from None
    if not days or len(days) > MAX_DAYS or any(b <= a for a, b in pairwise(days)):
        raise FormProblem("plan", "ops.plan.bad_day")
    cameras: dict[str, tuple[str | None, ...]] = {}
    for camera, spots in data["cameras"].items():
        if not IDENTIFIER.match(str(camera)) or not isinstance(spots, list) or len(spots) != len(days):
            raise FormProblem("plan", "ops.plan.bad_camera")
        if any(s is not None and not (isinstance(s, str) and IDENTIFIER.match(s)) for s in spots):
            raise FormProblem("plan", "ops.plan.bad_camera")
        cameras[str(camera)] = tuple(spots)
    if not cameras:
        raise FormProblem("plan", "ops.plan.not_a_plan")
    return RotationPlan(
        days,
        cameras,
        str(data.get("status", ""))[:40],
        _number(data.get("expected_detections")),
        _number(data.get("round_robin_expected_detections")),
    )


@dataclass(frozen=True)
class Step:
    """One call to ingest: place the camera at `location_id` from `moment`, or (None) take it down then."""

    camera_id: str
    location_id: str | None
    moment: datetime


def _at(value: object) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


def standing_before(history: Sequence[Mapping[str, Any]], start: datetime) -> str | None:
    """Where the camera stood just before the plan's first day: a placement that began before it and was
    still open then (or was ended exactly then, by this plan's own first step)."""
    for placement in reversed(history):
        began, until = _at(placement["valid_from"]), _at(placement.get("valid_until"))
        if began is not None and began < start and (until is None or until >= start):
            return str(placement["location_id"])
    return None


def plan_steps(plan: RotationPlan, camera_id: str, history: Sequence[Mapping[str, Any]]) -> list[Step]:
    """The same walk as the CLI's _write_placements: a step where the camera's location changes, at local
    midnight of that day; `before` is taken from ingest's history instead of the planner's scenario."""
    before = standing_before(history, plan.start())
    steps = []
    for where, day in zip(plan.cameras[camera_id], plan.days, strict=True):
        if where != before and (where is not None or before is not None):
            steps.append(Step(camera_id, where, datetime.combine(day, time(0), LOCAL)))
        before = where
    return steps


def step_done(history: Sequence[Mapping[str, Any]], step: Step) -> bool:
    """Is this step already in the history (an earlier approval wrote it)?"""
    for placement in history:
        if step.location_id is None:
            if _at(placement.get("valid_until")) == step.moment:
                return True
        elif placement["location_id"] == step.location_id and _at(placement["valid_from"]) == step.moment:
            return True
    return False
