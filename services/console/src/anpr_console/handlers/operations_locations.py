"""Locations: the list with the regimes enforced at each, one location, and saving the location form."""

from typing import Any

from anpr_console.adapters.services_api import ServiceRefused, ServicesApi
from anpr_console.domain.operations_locations import LocationForm
from anpr_console.handlers.operations import INGEST, Outcome


async def load_locations(api: ServicesApi, token: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await api.get_json(INGEST, "/v1/locations", token)
    return sorted(found, key=lambda location: str(location["location_id"]))


async def load_location(api: ServicesApi, token: str, location_id: str) -> dict[str, Any] | None:
    try:
        found: dict[str, Any] = await api.get_json(INGEST, f"/v1/locations/{location_id}", token)
    except ServiceRefused as refused:
        if refused.status == 404 and not refused.route_missing:
            return None
        raise
    return found


async def save_location(api: ServicesApi, token: str, location_id: str | None, form: LocationForm) -> Outcome:
    """Create (location_id None) or amend. Creating the same location twice (a double submit) answers 409;
    that is `already_done` when what ingest holds is what was sent."""
    try:
        if location_id is None:
            await api.post_json(INGEST, "/v1/locations", token, form.body)
        else:
            await api.patch_json(INGEST, f"/v1/locations/{location_id}", token, form.body)
    except ServiceRefused as refused:
        if refused.status == 409 and location_id is None:
            held = await load_location(api, token, str(form.body["location_id"]))
            if held is not None and all(held.get(k) == v for k, v in form.body.items()):
                return Outcome("already_done")
        if refused.status in (400, 403, 404, 409, 422):
            return Outcome("refused", refused.detail, refused.status)
        raise
    return Outcome("done")
