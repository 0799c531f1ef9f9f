"""The walking skeleton end to end, all five services in this process, real Kafka and PostgreSQL:
JPEG frames posted over HTTP -> ingest -> recognition (ONNX) -> rules (milieuzone YAML, RDW registry,
exemption index) -> notices (candidate with evidence). Only the old diesel without a permit is a candidate."""

import asyncio
import uuid
from collections.abc import Callable
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from anpr_exemptions import ExemptionsSettings
from anpr_exemptions import create_app as exemptions_app
from anpr_ingest import IngestSettings
from anpr_ingest import create_app as ingest_app
from anpr_notices import NoticesSettings
from anpr_notices import create_app as notices_app
from anpr_recognition import RecognitionSettings
from anpr_recognition import create_app as recognition_app
from anpr_rules import SPEC as RULES_SPEC
from anpr_rules import RulesSettings, import_vehicles, outcome_counts
from anpr_rules import create_app as rules_app
from anpr_runtime.db import create_engine, run_migrations

ROOT = Path(__file__).resolve().parents[2]
FRAMES = ROOT / "deploy" / "demo" / "frames"
RDW = ROOT / "deploy" / "demo" / "rdw"
ADMIN = {"Authorization": "Bearer test-admin-token"}
# Reads of candidates say why (X-Purpose); admin holds every purpose.
READING = {**ADMIN, "X-Purpose": "administration"}
LOCATION = "loc-centrum-noord"  # in deploy/regimes/milieuzone.yaml


def client(app: Any, name: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://{name}", headers=ADMIN)


async def until(condition: Callable[[], Any], timeout: float = 90) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out waiting for the pipeline"
        await asyncio.sleep(0.3)


async def test_frames_over_http_become_one_candidate_per_violation(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    apps = {
        "ingest": ingest_app(isolated(IngestSettings)),
        "recognition": recognition_app(isolated(RecognitionSettings, onnx_threads=2)),
        "rules": rules_app(isolated(RulesSettings)),
        "exemptions": exemptions_app(isolated(ExemptionsSettings)),
        "notices": notices_app(isolated(NoticesSettings)),
    }
    camera = f"cam-{uuid.uuid4().hex[:8]}"
    database_url = isolated(RulesSettings).database_url
    await run_migrations(database_url, RULES_SPEC.migrations_dir, RULES_SPEC.schema)  # the import needs them
    engine = create_engine(database_url)
    await import_vehicles(engine, RDW / "voertuigen.csv", RDW / "brandstof.csv", *_codes())
    async with AsyncExitStack() as stack:
        for app in apps.values():
            await stack.enter_async_context(run_app(app))
        stack.push_async_callback(engine.dispose)
        http = {name: await stack.enter_async_context(client(app, name)) for name, app in apps.items()}
        # A registry import under a running service is swapped in without a restart.
        assert (await http["rules"].post("/v1/vehicles/reload")).status_code == 200

        location = {"location_id": LOCATION, "name": "Centrum", "regimes": ["milieuzone-centrum"]}
        assert (await http["ingest"].post("/v1/locations", json=location)).status_code in (201, 409)
        assert (await http["ingest"].post("/v1/cameras", json={"camera_id": camera})).status_code == 201
        placed = await http["ingest"].post(
            f"/v1/cameras/{camera}/placements", json={"location_id": LOCATION, "valid_from": "2026-01-01T00:00:00Z"}
        )
        assert placed.status_code == 201, placed.text

        permit = await http["exemptions"].post(
            "/v1/exemptions",
            json={
                "plate": "ZD-PB-67",
                "kind": "resident",
                "regimes": ["milieuzone-centrum"],
                "valid_from": "2026-01-01T00:00:00Z",
                "reference": f"E2E-{camera}",
                "issuer": "test",
            },
        )
        assert permit.status_code == 201, permit.text

        async def permit_indexed() -> bool:
            status = (await http["rules"].get("/v1/status")).json()
            return bool(status["permits"] == 1 and status["vehicles"] > 0)

        await until(permit_indexed)
        counted_before = await _counted(engine)

        # c12_2: 63-HK-HD diesel class 3 (hit); c12_12: ZD-PB-67 diesel class 3 with a permit (exempt);
        # c12_5: 57-LF-JB petrol (no hit).
        for name in ("c12_2", "c12_12", "c12_5"):
            response = await http["ingest"].post(
                "/v1/frames",
                content=(FRAMES / f"{name}.jpg").read_bytes(),
                headers={
                    "Content-Type": "image/jpeg",
                    "X-Camera-Id": camera,
                    "X-Captured-At": datetime.now(UTC).isoformat(),
                    "X-Frame-Id": f"{camera}-{name}",
                },
            )
            assert response.status_code == 202, response.text

        async def all_judged() -> bool:
            return await _counted(engine) - counted_before >= 3

        await until(all_judged)

        async def candidate_arrived() -> list[dict[str, Any]]:
            found = (await http["notices"].get("/v1/candidates", params={"limit": 500}, headers=READING)).json()
            return [c for c in found if c["camera_id"] == camera]

        await until(candidate_arrived)
        await asyncio.sleep(1)  # anything else in flight would arrive now
        mine = await candidate_arrived()

    assert [c["plate"] for c in mine] == ["63HKHD"]
    candidate = mine[0]
    assert candidate["location_id"] == LOCATION
    assert candidate["regime_id"] == "milieuzone-centrum"
    assert candidate["regime_version"] == "2026.2"
    assert candidate["fine_eur"] == 120
    assert candidate["box"]
    assert len(candidate["box"]) == 4
    assert any("emission class 3" in line for line in candidate["explanation"])


async def _counted(engine: Any) -> int:
    async with engine.connect() as connection:
        query = select(func.coalesce(func.sum(outcome_counts.c.count), 0)).where(
            outcome_counts.c.location_id == LOCATION
        )
        return int((await connection.execute(query)).scalar_one())


def _codes() -> tuple[list[Path], list[Path]]:
    return [RDW / "bijzonderheden.csv"], [RDW / "carrosserie.csv", RDW / "carrosserie_specifiek.csv"]
