"""The permit counter's calls to exemptions, made with the applicant's own token: exemptions scopes every
read to the applicant, so another applicant's id answers 404 there as an unknown one does."""

from typing import Any

from anpr_console.adapters.services_api import Binary, ServiceRefused, ServicesApi
from anpr_console.domain.loket import DAY_PERMIT

BASE = "/v1/applications"


async def vehicle_check(api: ServicesApi, token: str, plate: str) -> dict[str, Any]:
    found: dict[str, Any] = await api.post_json("exemptions", f"{BASE}/vehicle-check", token, {"plate": plate})
    return found


async def apply(api: ServicesApi, token: str, kind: str, typed: dict[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": kind, "plate": typed.get("plate", ""), "email": typed.get("email", "")}
    if kind == DAY_PERMIT:
        body["day"] = typed.get("day") or None
    else:
        body["details"] = typed.get("details", "")
    made: dict[str, Any] = await api.post_json("exemptions", BASE, token, body)
    return made


async def attach(api: ServicesApi, token: str, application_id: str, document: Binary) -> None:
    path = f"{BASE}/{application_id}/documents"
    await api.post_content("exemptions", path, token, document.content, document.media_type)


async def mine(api: ServicesApi, token: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await api.get_json("exemptions", BASE, token)
    return found


async def one(api: ServicesApi, token: str, application_id: str) -> dict[str, Any]:
    found: dict[str, Any] = await api.get_json("exemptions", f"{BASE}/{application_id}", token)
    return found


async def permits(api: ServicesApi, token: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await api.get_json("exemptions", f"{BASE}/permits", token)
    return found


async def day_permits_left(api: ServicesApi, token: str, plates: list[str]) -> dict[str, int | None]:
    """For each vehicle the applicant bought day permits for: how many are left this year."""
    left: dict[str, int | None] = {}
    for plate in plates:
        try:
            left[plate] = (await vehicle_check(api, token, plate)).get("day_permits_left")
        except ServiceRefused:
            left[plate] = None
    return left


async def step(api: ServicesApi, token: str, application_id: str, action: str, body: dict[str, Any]) -> None:
    await api.post_json("exemptions", f"{BASE}/{application_id}/{action}", token, body)
