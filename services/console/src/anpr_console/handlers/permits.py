"""The permit desk's reads and changes, through exemptions with the person's own token (its role checks
and audit apply). A 4xx that the person can act on (a bad value, the quota used up) is an Outcome the page
shows next to the form; anything else propagates to the console's error pages (403, 503)."""

import asyncio
from dataclasses import dataclass, field
from typing import Any, Literal

from anpr_console.adapters.services_api import ServiceRefused, ServicesApi, ServiceUnavailable
from anpr_console.domain.permits import SearchForm, same_permit
from anpr_console.handlers.ports import Panel

SERVICE = "exemptions"
PURPOSE = "permit_desk"  # every read of permit data says why; exemptions logs it with the read
SEARCH_LIMIT = 200


@dataclass(frozen=True)
class SearchPage:
    results: list[dict[str, Any]]
    quota: Panel = field(default_factory=lambda: Panel(False))
    limited: bool = False  # more than SEARCH_LIMIT found: the person should narrow the search


@dataclass(frozen=True)
class DetailPage:
    permit: dict[str, Any]
    audit: Panel


@dataclass(frozen=True)
class Outcome:
    kind: Literal["done", "exists", "refused", "conflict"]
    permit_id: str = ""
    detail: str = ""


async def search(api: ServicesApi, token: str, form: SearchForm) -> SearchPage:
    params: dict[str, Any] = {"limit": SEARCH_LIMIT + 1}
    params |= {"plate": form.plate} if form.plate else {}
    params |= {"kind": form.kind} if form.kind else {}
    params |= {"regime": form.regime} if form.regime else {}
    found, quota = await asyncio.gather(
        api.get_json(SERVICE, "/v1/exemptions", token, params, PURPOSE),
        quota_of(api, token, form.plate) if form.plate else _nothing(),
    )
    return SearchPage(found[:SEARCH_LIMIT], quota, len(found) > SEARCH_LIMIT)


async def quota_of(api: ServicesApi, token: str, plate: str) -> Panel:
    """exemptions' POST /v1/quota -> {used, limit, left, year, municipality}: the plate travels in the body."""
    if not plate:
        return Panel(False)
    try:
        return Panel(True, await api.post_json(SERVICE, "/v1/quota", token, {"plate": plate}, PURPOSE))
    except (ServiceRefused, ServiceUnavailable):
        return Panel(False)


async def _nothing() -> Panel:
    return Panel(False)


async def permit(api: ServicesApi, token: str, permit_id: str) -> dict[str, Any]:
    found: dict[str, Any] = await api.get_json(SERVICE, f"/v1/exemptions/{permit_id}", token, purpose=PURPOSE)
    return found


async def detail(api: ServicesApi, token: str, permit_id: str) -> DetailPage:
    found, audit = await asyncio.gather(permit(api, token, permit_id), _audit(api, token, permit_id))
    return DetailPage(found, audit)


async def _audit(api: ServicesApi, token: str, permit_id: str) -> Panel:
    try:
        entries = await api.get_json(SERVICE, f"/v1/exemptions/{permit_id}/audit", token, purpose=PURPOSE)
    except ServiceRefused as refused:
        if refused.status == 403:  # the trail has its own roles; the permit itself is still worth showing
            return Panel(False)
        raise
    return Panel(True, sorted(entries, key=lambda e: str(e.get("at", "")), reverse=True))


async def grant(api: ServicesApi, token: str, body: dict[str, Any]) -> Outcome:
    """The API takes no idempotency key, so a double submit is caught by looking first: the same plate,
    kind, reference and scope already granted and not revoked is this form sent again."""
    params = {"plate": body["plate"], "kind": body["kind"], "limit": 1000}
    existing = await api.get_json(SERVICE, "/v1/exemptions", token, params, PURPOSE)
    for candidate in existing:
        if same_permit(candidate, body):
            return Outcome("exists", str(candidate["exemption_id"]))
    try:
        created = await api.post_json(SERVICE, "/v1/exemptions", token, body)
    except ServiceRefused as refused:
        return _refusal(refused)
    return Outcome("done", str(created["exemption_id"]))


async def change(api: ServicesApi, token: str, permit_id: str, body: dict[str, Any]) -> Outcome:
    if not body:  # nothing differs: a second submit of the same change, or an unaltered form
        return Outcome("exists", permit_id)
    try:
        await api.patch_json(SERVICE, f"/v1/exemptions/{permit_id}", token, body)
    except ServiceRefused as refused:
        return _refusal(refused)
    return Outcome("done", permit_id)


async def revoke(api: ServicesApi, token: str, permit_id: str) -> Outcome:
    """Idempotent at exemptions: revoking a revoked permit answers 200 and changes nothing."""
    try:
        await api.post_json(SERVICE, f"/v1/exemptions/{permit_id}/revoke", token, None)
    except ServiceRefused as refused:
        return _refusal(refused)
    return Outcome("done", permit_id)


async def import_csv(api: ServicesApi, token: str, content: bytes) -> dict[str, Any] | Outcome:
    """{created: [{row, exemption_id}], errors: [{row, error}]}; a file refused whole (bad header, not UTF-8,
    too many rows) is an Outcome with exemptions' reason."""
    try:
        report: dict[str, Any] = await api.post_content(SERVICE, "/v1/exemptions/import", token, content, "text/csv")
    except ServiceRefused as refused:
        return _refusal(refused)
    return report


def _refusal(refused: ServiceRefused) -> Outcome:
    if refused.status == 409:  # a day permit past the yearly quota, or a change that conflicts
        return Outcome("conflict", detail=refused.detail)
    if refused.status in (400, 404, 413, 415, 422) and not refused.route_missing:
        return Outcome("refused", detail=refused.detail)
    raise refused
