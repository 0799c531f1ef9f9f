"""Cameras, their health and placements, and moving a camera: ingest's API with the operator's own token."""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from anpr_console.adapters.services_api import ServiceRefused, ServicesApi
from anpr_console.domain.operations import (
    HealthSummary,
    MoveForm,
    move_already_done,
    open_placement,
    placement_at,
    placement_state,
    summarise_health,
)

INGEST = "ingest"


@dataclass(frozen=True)
class CameraRow:
    camera: dict[str, Any]
    health: HealthSummary | None
    where: str | None  # the location it stands at now


@dataclass(frozen=True)
class CamerasPage:
    rows: list[CameraRow]
    health_available: bool  # False: ingest's health route refused or is not there; the list still shows
    unregistered: dict[str, int]


@dataclass(frozen=True)
class CameraPage:
    camera: dict[str, Any]
    history: list[dict[str, Any]]
    health: HealthSummary | None
    locations: list[dict[str, Any]]
    standing: Mapping[str, Any] | None  # where it stands now
    open: Mapping[str, Any] | None  # the placement a move ends (may begin later than now)
    states: list[str]  # per placement: past, now, planned


@dataclass(frozen=True)
class Outcome:
    kind: Literal["done", "already_done", "refused"]
    detail: str = ""
    status: int = 0


async def _health_report(api: ServicesApi, token: str) -> dict[str, Any] | None:
    try:
        report: dict[str, Any] = await api.get_json(INGEST, "/v1/cameras/health", token)
    except ServiceRefused:
        return None
    return report


async def load_cameras(api: ServicesApi, token: str, now: datetime) -> CamerasPage:
    cameras, report = await asyncio.gather(api.get_json(INGEST, "/v1/cameras", token), _health_report(api, token))
    histories = await asyncio.gather(*(placements(api, token, c["camera_id"]) for c in cameras))
    by_camera = {h["camera_id"]: h for h in (report or {}).get("cameras", [])}
    rows = []
    for camera, history in zip(cameras, histories, strict=True):
        standing = placement_at(history, now)
        health = summarise_health(by_camera.get(camera["camera_id"]), now) if report is not None else None
        rows.append(CameraRow(camera, health, str(standing["location_id"]) if standing else None))
    return CamerasPage(rows, report is not None, dict((report or {}).get("unregistered") or {}))


async def placements(api: ServicesApi, token: str, camera_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await api.get_json(INGEST, f"/v1/cameras/{camera_id}/placements", token)
    return found


async def load_camera(api: ServicesApi, token: str, camera_id: str, now: datetime) -> CameraPage | None:
    """None: ingest knows no such camera."""
    cameras = await api.get_json(INGEST, "/v1/cameras", token)
    camera = next((c for c in cameras if c["camera_id"] == camera_id), None)
    if camera is None:
        return None

    async def health() -> dict[str, Any] | None:
        try:
            found: dict[str, Any] = await api.get_json(INGEST, f"/v1/cameras/{camera_id}/health", token)
        except ServiceRefused:
            return None
        return found

    history, found, locations = await asyncio.gather(
        placements(api, token, camera_id), health(), api.get_json(INGEST, "/v1/locations", token)
    )
    states = [placement_state(p, now) for p in history]
    standing, ending = placement_at(history, now), open_placement(history)
    return CameraPage(camera, history, summarise_health(found, now), locations, standing, ending, states)


async def write_placement(
    api: ServicesApi, token: str, camera_id: str, location_id: str | None, moment: datetime
) -> None:
    """The camera stands at `location_id` from `moment` on (ingest ends the open placement there, in one
    transaction); None takes it down at `moment`."""
    if location_id is None:
        body = {"valid_until": moment.isoformat()}
        await api.post_json(INGEST, f"/v1/cameras/{camera_id}/placements/end", token, body)
    else:
        body = {"location_id": location_id, "valid_from": moment.isoformat()}
        await api.post_json(INGEST, f"/v1/cameras/{camera_id}/placements", token, body)


async def move_camera(api: ServicesApi, token: str, camera_id: str, move: MoveForm) -> Outcome:
    """One call: ingest's POST placements ends the open placement where the new one begins, in one
    transaction. A take-down ends it without a new one. 409 after a double submit is `already_done`."""
    try:
        await write_placement(api, token, camera_id, move.location_id, move.moment)
    except ServiceRefused as refused:
        if refused.status == 409 and move_already_done(await placements(api, token, camera_id), move):
            return Outcome("already_done")
        if refused.status in (400, 403, 404, 409, 422):
            return Outcome("refused", refused.detail, refused.status)
        raise
    return Outcome("done")
