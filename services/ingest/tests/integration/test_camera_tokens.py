"""Per-camera tokens through the API, stored as hashes in the real PostgreSQL, checked on POST /v1/frames."""

import asyncio
import hashlib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from anpr_contracts import FRAMES, READS
from anpr_ingest.adapters.tables import camera_tokens
from anpr_ingest.config import IngestSettings
from anpr_runtime.db import create_engine

from .support import (
    ADMIN,
    CAMERA,
    OPERATOR,
    REVIEWER,
    SERVICE,
    STATIC_TOKENS,
    a_placed_camera,
    bearer,
    client_of,
    messages_on,
    post_frame,
    unique,
)


@pytest.fixture
def settings(isolated: Callable[..., Any]) -> IngestSettings:
    made: IngestSettings = isolated(IngestSettings, extra_tokens=STATIC_TOKENS)
    return made


@pytest.fixture
async def ingest(settings: IngestSettings, run_app: Callable[..., Any]) -> AsyncIterator[httpx.AsyncClient]:
    async with client_of(settings, run_app) as client:
        yield client


async def issue(ingest: httpx.AsyncClient, camera_id: str, label: str = "gateway") -> dict[str, Any]:
    response = await ingest.post(f"/v1/cameras/{camera_id}/tokens", json={"label": label}, headers=ADMIN)
    assert response.status_code == 201, response.text
    issued: dict[str, Any] = response.json()
    return issued


async def test_admin_issues_a_token_shown_once_and_stored_only_as_its_hash(
    settings: IngestSettings, ingest: httpx.AsyncClient
) -> None:
    camera_id = await a_placed_camera(ingest)

    issued = await issue(ingest, camera_id, "gateway north")
    listed = (await ingest.get(f"/v1/cameras/{camera_id}/tokens", headers=ADMIN)).json()

    assert issued["token"].startswith("anprcam_")
    assert (issued["camera_id"], issued["label"], issued["revoked_at"]) == (camera_id, "gateway north", None)
    assert listed == [{key: value for key, value in issued.items() if key != "token"}]
    engine = create_engine(settings.database_url)
    try:
        async with engine.connect() as connection:
            row = (await connection.execute(select(camera_tokens).where(camera_tokens.c.camera_id == camera_id))).one()
    finally:
        await engine.dispose()
    assert row.token_hash == hashlib.sha256(issued["token"].encode()).hexdigest()
    assert issued["token"] not in str(tuple(row))


async def test_only_an_admin_manages_tokens(ingest: httpx.AsyncClient) -> None:
    camera_id = await a_placed_camera(ingest)
    token_id = (await issue(ingest, camera_id))["token_id"]
    urls = [
        ("POST", f"/v1/cameras/{camera_id}/tokens"),
        ("GET", f"/v1/cameras/{camera_id}/tokens"),
        ("POST", f"/v1/cameras/{camera_id}/tokens/{token_id}/revoke"),
    ]
    for method, url in urls:
        for auth in (CAMERA, OPERATOR, REVIEWER):
            assert (await ingest.request(method, url, headers=auth)).status_code == 403, (method, url, auth)
        assert (await ingest.request(method, url)).status_code == 401
    assert (await ingest.post("/v1/cameras/cam-nowhere/tokens", headers=ADMIN)).status_code == 404
    assert (await ingest.get("/v1/cameras/cam-nowhere/tokens", headers=ADMIN)).status_code == 404
    revoke_unknown = await ingest.post(f"/v1/cameras/{camera_id}/tokens/no-such-token/revoke", headers=ADMIN)
    assert revoke_unknown.status_code == 404


async def test_camera_token_sends_frames_and_reads_of_its_own_camera_only(
    settings: IngestSettings, ingest: httpx.AsyncClient
) -> None:
    mine, other = await a_placed_camera(ingest), await a_placed_camera(ingest)
    token = bearer((await issue(ingest, mine))["token"])

    own = await post_frame(ingest, mine, token)
    foreign = await post_frame(ingest, other, token)
    read = {"source": "fixed_anpr", "observed_at": datetime.now(UTC).isoformat(), "plate": "72VGX6"}
    own_read = await ingest.post("/v1/reads", json={**read, "camera_id": mine}, headers=token)
    foreign_read = await ingest.post("/v1/reads", json={**read, "camera_id": other}, headers=token)

    assert own.status_code == 202, own.text
    assert foreign.status_code == 403
    assert foreign.json()["detail"] == f"this token belongs to camera {mine!r} and may not send for camera {other!r}"
    assert (own_read.status_code, foreign_read.status_code) == (202, 403)
    assert await messages_on(settings, FRAMES.name) == 1
    assert await messages_on(settings, READS.name) == 1


async def test_missing_unknown_and_revoked_tokens_are_401_and_static_tokens_keep_working(
    settings: IngestSettings, ingest: httpx.AsyncClient
) -> None:
    camera_id = await a_placed_camera(ingest)
    issued = await issue(ingest, camera_id)
    token = bearer(issued["token"])
    assert (await post_frame(ingest, camera_id, token)).status_code == 202

    revoked = await ingest.post(f"/v1/cameras/{camera_id}/tokens/{issued['token_id']}/revoke", headers=ADMIN)
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    listed = (await ingest.get(f"/v1/cameras/{camera_id}/tokens", headers=ADMIN)).json()
    assert listed[0]["revoked_at"] == revoked.json()["revoked_at"]

    refused = {
        "revoked": await post_frame(ingest, camera_id, token),  # at once: this instance dropped its cache
        "unknown": await post_frame(ingest, camera_id, bearer("anprcam_" + "x" * 43)),
        "wrong": await post_frame(ingest, camera_id, bearer("wrong")),
        "missing": await post_frame(ingest, camera_id, {}),
    }
    assert {name: r.status_code for name, r in refused.items()} == dict.fromkeys(refused, 401)
    assert refused["revoked"].json()["detail"] == "unknown or revoked token"
    assert refused["missing"].json()["detail"] == "missing bearer token"
    assert refused["revoked"].headers["WWW-Authenticate"] == "Bearer"
    assert (await post_frame(ingest, camera_id, REVIEWER)).status_code == 403
    for static in (ADMIN, CAMERA, SERVICE):
        assert (await post_frame(ingest, camera_id, static)).status_code == 202
    assert await messages_on(settings, FRAMES.name) == 4


async def test_revocation_reaches_another_instance_within_the_cache_ttl(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings = isolated(IngestSettings, token_cache_seconds=3.0)
    async with client_of(settings, run_app) as first, client_of(settings, run_app) as second:
        camera_id = await a_placed_camera(first)
        issued = await issue(first, camera_id)
        token = bearer(issued["token"])
        assert (await post_frame(second, camera_id, token)).status_code == 202  # cached on `second` now

        await first.post(f"/v1/cameras/{camera_id}/tokens/{issued['token_id']}/revoke", headers=ADMIN)

        assert (await post_frame(first, camera_id, token)).status_code == 401
        assert (await post_frame(second, camera_id, token)).status_code == 202  # within the TTL
        await asyncio.sleep(3.1)
        assert (await post_frame(second, camera_id, token)).status_code == 401


async def place(ingest: httpx.AsyncClient, camera_id: str) -> None:
    """`camera_id` standing at a new location since two hours ago."""
    location_id = unique("loc")
    location = {"location_id": location_id, "name": "Poort", "regimes": ["milieuzone-centrum"]}
    assert (await ingest.post("/v1/locations", json=location, headers=ADMIN)).status_code == 201
    placement = {"location_id": location_id, "valid_from": (datetime.now(UTC) - timedelta(hours=2)).isoformat()}
    response = await ingest.post(f"/v1/cameras/{camera_id}/placements", json=placement, headers=ADMIN)
    assert response.status_code == 201, response.text


async def test_a_named_static_camera_token_sends_for_its_own_camera_only(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    """`camera-id:camera:token` in ANPR_TOKENS: the name binds it as an issued token is bound."""
    own = unique("cam-static")
    settings = isolated(IngestSettings, extra_tokens=f"{own}:camera:t-static-{own}")
    token = bearer(f"t-static-{own}")
    async with client_of(settings, run_app) as ingest:
        assert (await ingest.post("/v1/cameras", json={"camera_id": own}, headers=ADMIN)).status_code == 201
        await place(ingest, own)
        other = await a_placed_camera(ingest)
        read = {"source": "fixed_anpr", "observed_at": datetime.now(UTC).isoformat(), "plate": "72VGX6"}

        frames = [(await post_frame(ingest, camera, token)).status_code for camera in (own, other)]
        foreign_read = await ingest.post("/v1/reads", json={**read, "camera_id": other}, headers=token)
        own_read = await ingest.post("/v1/reads", json={**read, "camera_id": own}, headers=token)

    assert frames == [202, 403]
    assert (own_read.status_code, foreign_read.status_code) == (202, 403)
    refusal = f"this token belongs to camera {own!r} and may not send for camera {other!r}"
    assert foreign_read.json()["detail"] == refusal
    assert await messages_on(settings, FRAMES.name) == 1
    assert await messages_on(settings, READS.name) == 1
