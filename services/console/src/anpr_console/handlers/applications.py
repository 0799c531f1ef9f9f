"""The permit desk's application queue, through exemptions with the person's own token: its role checks
apply, every read says why (X-Purpose) and lands in its read log, and each decision's step records who
took it (the token's sub and name). A refusal the person can act on (a field exemptions rejects, a step
the application's status no longer allows) is an Outcome the page shows at the form; anything else goes
to the console's error pages."""

from dataclasses import dataclass
from typing import Any, Literal

from anpr_console.adapters.services_api import Binary, ServiceRefused, ServicesApi, ServiceUnavailable
from anpr_console.domain.applications import QueueFilter
from anpr_console.handlers.ports import Panel

SERVICE = "exemptions"
PURPOSE = "permit_desk"
QUEUE_LIMIT = 200
_BASE = "/v1/applications"


@dataclass(frozen=True)
class QueuePage:
    applications: list[dict[str, Any]]
    limited: bool  # more than QUEUE_LIMIT: the oldest are shown, the desk works from the top


@dataclass(frozen=True)
class DetailPage:
    application: dict[str, Any]
    checks: Panel  # the registry's word on the vehicle; the page still opens when the registry is down


@dataclass(frozen=True)
class Outcome:
    kind: Literal["done", "already", "refused", "conflict"]
    detail: str = ""


async def queue(api: ServicesApi, token: str, chosen: QueueFilter) -> QueuePage:
    params: dict[str, Any] = {**chosen.params(), "limit": QUEUE_LIMIT + 1}
    found: list[dict[str, Any]] = await api.get_json(SERVICE, _BASE, token, params, PURPOSE)
    return QueuePage(found[:QUEUE_LIMIT], len(found) > QUEUE_LIMIT)


async def application(api: ServicesApi, token: str, application_id: str) -> dict[str, Any]:
    found: dict[str, Any] = await api.get_json(SERVICE, f"{_BASE}/{application_id}", token, purpose=PURPOSE)
    return found


async def detail(api: ServicesApi, token: str, application_id: str) -> DetailPage:
    found = await application(api, token, application_id)
    return DetailPage(found, await _checks(api, token, str(found["plate"])))


async def _checks(api: ServicesApi, token: str, plate: str) -> Panel:
    try:
        body = {"plate": plate, "country": "NL"}  # the counter takes Dutch registrations only
        return Panel(True, await api.post_json(SERVICE, f"{_BASE}/vehicle-check", token, body, PURPOSE))
    except ServiceUnavailable:
        return Panel(False)
    except ServiceRefused as refused:
        if refused.status in (400, 403, 404, 422, 503):
            return Panel(False)
        raise


async def decide(api: ServicesApi, token: str, application_id: str, body: dict[str, Any]) -> Outcome:
    """grant / refuse / needs_information. The API takes no idempotency key: a 409 after a double submit
    (the first one went through) is told apart from someone else's step by reading the status back."""
    try:
        await api.post_json(SERVICE, f"{_BASE}/{application_id}/decision", token, body, PURPOSE)
    except ServiceRefused as refused:
        if refused.status == 409 and not refused.route_missing:
            now = await application(api, token, application_id)
            return Outcome("already" if now["status"] == _RESULT[body["decision"]] else "conflict", refused.detail)
        return _refusal(refused)
    return Outcome("done")


_RESULT = {"grant": "granted", "refuse": "refused", "needs_information": "needs_information"}


async def mark_paid(api: ServicesApi, token: str, application_id: str) -> Outcome:
    """Idempotent at exemptions: a second mark answers 200 and changes nothing."""
    try:
        await api.post_json(SERVICE, f"{_BASE}/{application_id}/paid", token, None, PURPOSE)
    except ServiceRefused as refused:
        return _refusal(refused)
    return Outcome("done")


async def document(api: ServicesApi, token: str, application_id: str, document_id: str) -> Binary:
    path = f"{_BASE}/{application_id}/documents/{document_id}"
    return await api.get_binary(SERVICE, path, token, PURPOSE)


def _refusal(refused: ServiceRefused) -> Outcome:
    if refused.status == 409:
        return Outcome("conflict", refused.detail)
    if refused.status in (400, 404, 422) and not refused.route_missing:
        return Outcome("refused", refused.detail)
    raise refused
