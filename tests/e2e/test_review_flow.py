"""Issue 5 end to end: reads in at ingest, judged by rules, queued in notices; a reviewer accepts one,
rejects one with a reason and corrects a misread plate (rules re-judges it); the export then holds exactly
the accepted ones. Real Kafka, PostgreSQL and services. The same decisions in a browser, through the
staff console and Keycloak, are services/console/tests/browser/test_review_console.py."""

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from anpr_ingest import IngestSettings
from anpr_ingest import create_app as ingest_app
from anpr_notices import NoticesSettings
from anpr_notices import create_app as notices_app
from anpr_rules import SPEC as RULES_SPEC
from anpr_rules import RulesSettings, import_vehicles
from anpr_rules import create_app as rules_app
from anpr_runtime.db import create_engine, run_migrations

ROOT = Path(__file__).resolve().parents[2]
RDW = ROOT / "deploy" / "demo" / "rdw"
ADMIN = {"Authorization": "Bearer test-admin-token"}
REVIEWER = "test-reviewer-token"
REGIME = "milieuzone-centrum"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    """A real HTTP server (the browser needs one), with the app's lifespan, in this event loop."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "server did not start"
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


async def until(condition: Callable[[], Any], timeout: float = 60) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while not (found := await condition()):
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.3)
    return found


async def test_reads_to_review_to_export(isolated: Callable[..., Any], run_app: Callable[..., Any]) -> None:
    database_url = isolated(RulesSettings).database_url
    await run_migrations(database_url, RULES_SPEC.migrations_dir, RULES_SPEC.schema)
    engine = create_engine(database_url)
    special, body = [RDW / "bijzonderheden.csv"], [RDW / "carrosserie.csv", RDW / "carrosserie_specifiek.csv"]
    await import_vehicles(engine, RDW / "voertuigen.csv", RDW / "brandstof.csv", special, body)
    await engine.dispose()
    location = f"loc-{uuid.uuid4().hex[:8]}"  # this test's queue: no other test's candidates in view
    camera = f"cam-{location}"

    async with AsyncExitStack() as stack:
        ingest = ingest_app(isolated(IngestSettings))
        await stack.enter_async_context(run_app(ingest))
        await stack.enter_async_context(run_app(rules_app(isolated(RulesSettings))))
        notices_url = await stack.enter_async_context(serving(notices_app(isolated(NoticesSettings))))
        http = await stack.enter_async_context(
            httpx.AsyncClient(transport=httpx.ASGITransport(app=ingest), base_url="http://ingest", headers=ADMIN)
        )
        # Admin reads the queue to wait for it: a read of candidates says why (X-Purpose).
        reading = {**ADMIN, "X-Purpose": "administration"}
        notices = await stack.enter_async_context(httpx.AsyncClient(base_url=notices_url, headers=reading))

        site = {"location_id": location, "name": "Centrum (e2e)", "regimes": [REGIME], "zone_id": "centrum"}
        assert (await http.post("/v1/locations", json=site)).status_code == 201
        assert (await http.post("/v1/cameras", json={"camera_id": camera})).status_code == 201
        since = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
        placed = await http.post(
            f"/v1/cameras/{camera}/placements", json={"location_id": location, "valid_from": since}
        )
        assert placed.status_code == 201, placed.text
        # 63HKHD and 01XJND: old diesel cars; XSNB28: a misread of XS-NB-23 (not in the registry: review only).
        for plate in ("63HKHD", "01XJND", "XSNB28"):
            read = {"source": "fixed_anpr", "camera_id": camera, "observed_at": datetime.now(UTC).isoformat(),
                    "plate": plate, "country": "NL", "confidence": 0.96}  # fmt: skip
            response = await http.post("/v1/reads", json=read)
            assert response.status_code == 202, response.text

        async def queued() -> list[dict[str, Any]]:
            found = (await notices.get("/v1/candidates", params={"location": location, "regime": REGIME})).json()
            return found if len(found) == 3 else []

        await until(queued)

        # The reviewer's screen is the console now (its browser test signs in through Keycloak and uses
        # the keys); here the same three decisions go through the API the console calls.
        reviewer = await stack.enter_async_context(
            httpx.AsyncClient(
                base_url=notices_url, headers={"Authorization": f"Bearer {REVIEWER}", "X-Purpose": "review"}
            )
        )
        queue = {c["plate"]: c["id"] for c in await queued()}

        async def decide(plate: str, body: dict[str, Any]) -> None:
            response = await reviewer.post(f"/v1/candidates/{queue[plate]}/decision", json=body)
            assert response.status_code == 200, response.text

        await decide("63HKHD", {"decision": "accept"})
        await decide("01XJND", {"decision": "reject", "reason": "not_in_zone"})
        await decide("XSNB28", {"decision": "accept", "corrected_plate": "XSNB23"})  # rules judges XSNB23

        async def corrected_arrived() -> str | None:
            found = (await notices.get("/v1/candidates", params={"location": location, "status": "pending"})).json()
            return next((c["id"] for c in found if c["plate"] == "XSNB23"), None)

        queue["XSNB23"] = await until(corrected_arrived)
        await decide("XSNB23", {"decision": "accept"})

        batch = (await notices.post("/v1/exports")).json()
        exported = (await notices.get(batch["json"].removeprefix(notices_url))).json()

    records = exported["items"]
    mine = sorted(r["plate"] for r in records if r["location"] == location)
    assert mine == ["63HKHD", "XSNB23"], "the export holds exactly the accepted candidates"
    assert all(r["officer_ids"] for r in records if r["location"] == location)
