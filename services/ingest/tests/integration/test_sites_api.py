"""Locations and placement history through the API, stored in the real PostgreSQL."""

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from anpr_ingest.adapters.repository import PostgresIngestRepository
from anpr_ingest.config import IngestSettings
from anpr_ingest.domain.model import Placement
from anpr_ingest.entrypoints.api import create_app
from anpr_runtime import Conflict
from anpr_runtime.db import create_engine

ADMIN = {"Authorization": "Bearer test-admin-token"}
MONDAY = "2026-03-02T08:00:00Z"
THURSDAY = "2026-03-05T08:00:00Z"
FRIDAY = "2026-03-06T08:00:00Z"


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def settings(isolated: Callable[..., Any]) -> IngestSettings:
    made: IngestSettings = isolated(IngestSettings)
    return made


@pytest.fixture
async def ingest(settings: IngestSettings, run_app: Callable[..., Any]) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with run_app(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://ingest", headers=ADMIN) as client:
            yield client


async def test_location_keeps_zone_direction_sign_and_consent_and_patch_changes_what_may_change(
    ingest: httpx.AsyncClient,
) -> None:
    location = {
        "location_id": unique("loc"),
        "name": "Dijkweg",
        "regimes": ["closed-road-dijkweg"],
        "zone_id": "buitengebied",
        "direction": "entry",
        "sign": "C7",
        "consent_reference": "OM-CVOM-2026-17",
    }
    url = f"/v1/locations/{location['location_id']}"

    assert (await ingest.post("/v1/locations", json=location)).json() == location
    assert (await ingest.get(url)).json() == location
    assert location in (await ingest.get("/v1/locations")).json()

    patched = await ingest.patch(url, json={"regimes": ["closed-road-dijkweg", "ze-centrum"], "sign": None})
    assert patched.status_code == 200, patched.text
    expected = {**location, "regimes": ["closed-road-dijkweg", "ze-centrum"], "sign": None}
    assert patched.json() == expected
    assert (await ingest.get(url)).json() == expected

    assert (await ingest.patch(url, json={"zone_id": "centrum"})).status_code == 422
    assert (await ingest.patch("/v1/locations/loc-nowhere", json={"sign": "C1"})).status_code == 404
    assert (await ingest.get("/v1/locations/loc-nowhere")).status_code == 404
    reviewer = {"Authorization": "Bearer test-reviewer-token"}
    assert (await ingest.patch(url, json={"sign": "C1"}, headers=reviewer)).status_code == 403


async def test_placement_history_of_a_rotating_camera_taken_down_and_placed_again(ingest: httpx.AsyncClient) -> None:
    camera_id, north, south = unique("cam"), unique("loc"), unique("loc")
    await ingest.post("/v1/cameras", json={"camera_id": camera_id, "kind": "rotating"})
    for location_id in (north, south):
        await ingest.post("/v1/locations", json={"location_id": location_id, "name": "L", "regimes": []})
    placements = f"/v1/cameras/{camera_id}/placements"

    assert (await ingest.post(placements, json={"location_id": north, "valid_from": MONDAY})).status_code == 201
    ended = await ingest.post(f"{placements}/end", json={"valid_until": THURSDAY})
    assert ended.json() == {"location_id": north, "valid_from": MONDAY, "valid_until": THURSDAY}
    assert (await ingest.post(f"{placements}/end", json={"valid_until": FRIDAY})).status_code == 409
    early = await ingest.post(placements, json={"location_id": south, "valid_from": "2026-03-04T08:00:00Z"})
    assert early.status_code == 409
    assert (await ingest.post(placements, json={"location_id": south, "valid_from": FRIDAY})).status_code == 201

    assert (await ingest.get(placements)).json() == [
        {"location_id": north, "valid_from": MONDAY, "valid_until": THURSDAY},
        {"location_id": south, "valid_from": FRIDAY, "valid_until": None},
    ]
    assert (await ingest.get("/v1/cameras/cam-nowhere/placements")).status_code == 404


async def test_database_refuses_a_second_open_placement_of_one_camera(
    settings: IngestSettings, ingest: httpx.AsyncClient
) -> None:
    camera_id, location_id = unique("cam"), unique("loc")
    await ingest.post("/v1/cameras", json={"camera_id": camera_id})
    await ingest.post("/v1/locations", json={"location_id": location_id, "name": "L", "regimes": []})
    await ingest.post(f"/v1/cameras/{camera_id}/placements", json={"location_id": location_id, "valid_from": MONDAY})

    engine = create_engine(settings.database_url)

    async def place_without_closing() -> None:
        """What a concurrent request that did not see the first placement would do."""
        async with engine.begin() as connection:
            later = Placement(camera_id, location_id, datetime(2026, 3, 9, tzinfo=UTC), None)
            await PostgresIngestRepository(connection).add_placement(later)

    try:
        with pytest.raises(Conflict, match="another request"):
            await place_without_closing()
        async with engine.connect() as connection:
            assert len(await PostgresIngestRepository(connection).placements_of(camera_id)) == 1
    finally:
        await engine.dispose()
