"""One frame, followed through the running pipeline by its correlation id: ingest, recognition, rules and
notices all log JSON lines carrying the id the camera gateway sent, none of them carries the plate, and
every consumer's lag per partition is on /metrics. Four services in this process, real Kafka and PostgreSQL."""

import asyncio
import io
import json
import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from anpr_ingest import IngestSettings
from anpr_ingest import create_app as ingest_app
from anpr_notices import NoticesSettings
from anpr_notices import create_app as notices_app
from anpr_recognition import RecognitionSettings
from anpr_recognition import create_app as recognition_app
from anpr_rules import SPEC as RULES_SPEC
from anpr_rules import RulesSettings, import_vehicles
from anpr_rules import create_app as rules_app
from anpr_runtime.db import create_engine, run_migrations
from anpr_runtime.logs import JsonFormatter

ROOT = Path(__file__).resolve().parents[2]
FRAME = ROOT / "deploy" / "demo" / "frames" / "c12_2.jpg"  # 63-HK-HD, an old diesel: a milieuzone candidate
RDW = ROOT / "deploy" / "demo" / "rdw"
ADMIN = {"Authorization": "Bearer test-admin-token"}
# Reads of candidates say why (X-Purpose); admin holds every purpose.
READING = {**ADMIN, "X-Purpose": "administration"}
LOCATION = "loc-centrum-noord"


@pytest.fixture
def json_lines(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """Every log line of the run as the services print it; the runtime's per-message lines at DEBUG."""
    monkeypatch.setenv("ANPR_METRICS_LAG_INTERVAL_SECONDS", "0.5")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root, runtime = logging.getLogger(), logging.getLogger("anpr_runtime")
    root.addHandler(handler)
    runtime.setLevel(logging.DEBUG)
    yield stream
    runtime.setLevel(logging.NOTSET)
    root.removeHandler(handler)


async def test_a_frame_is_traced_from_ingest_to_notices_and_lag_is_exported(
    isolated: Callable[..., Any], run_app: Callable[..., Any], json_lines: io.StringIO
) -> None:
    settings = {
        "ingest": isolated(IngestSettings),
        "recognition": isolated(RecognitionSettings, onnx_threads=1, passage_window_seconds=0),
        "rules": isolated(RulesSettings),
        "notices": isolated(NoticesSettings),
    }
    factories = {"ingest": ingest_app, "recognition": recognition_app, "rules": rules_app, "notices": notices_app}
    apps = {name: factories[name](value) for name, value in settings.items()}
    camera, trace = f"cam-{uuid.uuid4().hex[:8]}", f"trace-{uuid.uuid4().hex}"
    database_url = settings["rules"].database_url
    await run_migrations(database_url, RULES_SPEC.migrations_dir, RULES_SPEC.schema)
    engine = create_engine(database_url)
    await import_vehicles(engine, RDW / "voertuigen.csv", RDW / "brandstof.csv", [], [])
    await engine.dispose()

    async with AsyncExitStack() as stack:
        for app in apps.values():
            await stack.enter_async_context(run_app(app))
        http = {
            name: await stack.enter_async_context(
                httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://{name}", headers=ADMIN)
            )
            for name, app in apps.items()
        }
        assert (await http["rules"].post("/v1/vehicles/reload")).status_code == 200
        location = {"location_id": LOCATION, "name": "Centrum", "regimes": ["milieuzone-centrum"]}
        assert (await http["ingest"].post("/v1/locations", json=location)).status_code in (201, 409)
        assert (await http["ingest"].post("/v1/cameras", json={"camera_id": camera})).status_code == 201
        placement = {"location_id": LOCATION, "valid_from": "2026-01-01T00:00:00Z"}
        assert (await http["ingest"].post(f"/v1/cameras/{camera}/placements", json=placement)).status_code == 201

        posted = await http["ingest"].post(
            "/v1/frames",
            content=FRAME.read_bytes(),
            headers={
                "Content-Type": "image/jpeg",
                "X-Camera-Id": camera,
                "X-Captured-At": datetime.now(UTC).isoformat(),
                "X-Correlation-Id": trace,
            },
        )
        assert posted.status_code == 202, posted.text
        assert posted.headers["X-Correlation-Id"] == trace

        async def candidate_stored() -> bool:
            found = (await http["notices"].get("/v1/candidates", params={"limit": 500}, headers=READING)).json()
            return any(c["camera_id"] == camera for c in found)

        await _until(candidate_stored)

        async def lag_reported() -> bool:
            return {"recognition", "rules", "notices"} <= set(_lag_groups((await http["rules"].get("/metrics")).text))

        await _until(lag_reported)
        metrics = (await http["rules"].get("/metrics")).text

    entries = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    traced = [e for e in entries if e.get("correlation_id") == trace]
    assert {e["service"] for e in traced} >= {"ingest", "recognition", "rules", "notices"}
    handled = {(e["service"], e.get("event_type")) for e in traced if e["message"].startswith("handled")}
    assert handled >= {
        ("recognition", "frame.captured"),
        ("rules", "plate.recognized"),
        ("notices", "candidate.raised"),
    }
    assert all(e["ts"] and e["level"] and e["logger"] for e in entries)
    printed = json_lines.getvalue()
    assert "63HKHD" not in printed
    assert "63-HK-HD" not in printed

    lags = _lag_groups(metrics)
    consumed = {"recognition": "anpr.frames.v1", "rules": "anpr.reads.v1", "notices": "anpr.candidates.v1"}
    for service, topic in consumed.items():
        assert settings[service].topic(topic) in {s.labels["topic"] for s in lags[service]}
        assert all(s.value >= 0 for s in lags[service])
    decisions = _samples(metrics, "anpr_rules_decisions")
    assert any(
        s.labels["regime"] == "milieuzone-centrum" and s.labels["outcome"] in ("candidate", "not_enforceable")
        for s in decisions
    )
    latency = _samples(metrics, "anpr_http_request_seconds")
    assert any(s.labels.get("route") == "/v1/frames" and s.labels["status"] == "202" for s in latency)
    handling = _samples(metrics, "anpr_consumer_process_seconds")
    assert any(s.labels.get("event_type") == "frame.captured" for s in handling)


def _samples(metrics: str, family_name: str) -> list[Any]:
    return [s for f in text_string_to_metric_families(metrics) if f.name == family_name for s in f.samples]


def _lag_groups(metrics: str) -> dict[str, list[Any]]:
    """Lag samples by the service whose (isolated) consumer group they belong to."""
    found: dict[str, list[Any]] = {}
    for sample in _samples(metrics, "anpr_consumer_lag"):
        service = sample.labels["group"].rsplit(".", 1)[-1].removesuffix("Settings").lower()
        found.setdefault(service, []).append(sample)
    return found


async def _until(condition: Callable[[], Any], timeout: float = 90) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.3)
