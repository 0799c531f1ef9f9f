"""The review screen's data and the decision, through notices and rules with the reviewer's own token."""

import asyncio
from dataclasses import dataclass, field
from typing import Any, Literal

from anpr_console.adapters.services_api import ServiceRefused, ServicesApi, ServiceUnavailable
from anpr_console.domain.review import DecisionForm
from anpr_console.handlers.ports import Panel

PURPOSE = "review"  # notices records it with every audit row of what the reviewer saw


@dataclass(frozen=True)
class Filters:
    status: str = "pending"
    regime: str = ""
    location: str = ""

    def params(self) -> dict[str, str]:
        return {name: value for name, value in vars(self).items() if value}


@dataclass(frozen=True)
class ReviewPage:
    queue: list[dict[str, Any]]
    current: dict[str, Any] | None
    previous_id: str | None = None
    next_id: str | None = None
    vehicle: Panel = field(default_factory=lambda: Panel(False))
    history: Panel = field(default_factory=lambda: Panel(False))


@dataclass(frozen=True)
class Outcome:
    kind: Literal["decided", "already_decided", "refused"]
    status: str = ""
    detail: str = ""


async def load_review(
    api: ServicesApi, token: str, filters: Filters, candidate_id: str | None, queue_size: int
) -> ReviewPage:
    """The queue (oldest first) and one candidate: the one asked for, else the oldest."""
    params = {**filters.params(), "limit": queue_size, "order": "oldest"}
    queue: list[dict[str, Any]] = await api.get_json("notices", "/v1/candidates", token, params, PURPOSE)
    ids = [str(item["id"]) for item in queue]
    wanted = candidate_id or (ids[0] if ids else None)
    if wanted is None:
        return ReviewPage(queue, None)
    current = await api.get_json("notices", f"/v1/candidates/{wanted}", token, purpose=PURPOSE)
    vehicle, history = await asyncio.gather(
        describe_vehicle(api, token, str(current["plate"])), vehicle_history(api, token, wanted)
    )
    at = ids.index(wanted) if wanted in ids else -1
    previous_id = ids[at - 1] if at > 0 else None
    following = [i for i in ids[at + 1 :] if i != wanted] if at >= 0 else [i for i in ids if i != wanted]
    return ReviewPage(queue, current, previous_id, following[0] if following else None, vehicle, history)


async def describe_vehicle(api: ServicesApi, token: str, plate: str) -> Panel:
    """rules' POST /v1/vehicles/describe -> {plate, make, model, colour}; data None: not in the RDW file."""
    try:
        return Panel(True, await api.post_json("rules", "/v1/vehicles/describe", token, {"plate": plate}, PURPOSE))
    except ServiceRefused as refused:
        return Panel(refused.status == 404 and not refused.route_missing)
    except ServiceUnavailable:
        return Panel(False)


async def vehicle_history(api: ServicesApi, token: str, candidate_id: str) -> Panel:
    """notices' GET /v1/candidates/{id}/history -> {items: [...]}: this vehicle's earlier candidates in the
    same regime."""
    try:
        found = await api.get_json("notices", f"/v1/candidates/{candidate_id}/history", token, purpose=PURPOSE)
    except (ServiceRefused, ServiceUnavailable):
        return Panel(False)
    items = found.get("items") if isinstance(found, dict) else None
    return Panel(isinstance(items, list), items or [])


async def decide(api: ServicesApi, token: str, candidate_id: str, form: DecisionForm) -> Outcome:
    """409 (decided already: a second tab, a double submit, a colleague) is an outcome, not an error."""
    path = f"/v1/candidates/{candidate_id}/decision"
    try:
        decided = await api.post_json("notices", path, token, form.body(), PURPOSE)
    except ServiceRefused as refused:
        if refused.status == 409:
            return Outcome("already_decided", detail=refused.detail)
        if refused.status in (400, 404, 422):
            return Outcome("refused", detail=refused.detail)
        raise
    return Outcome("decided", status=str(decided.get("status", "")))
