"""No plate reaches the logs, whatever the level: the whole pipeline (frames over HTTP -> ingest ->
recognition (ONNX) -> rules -> notices, permits in exemptions, a reviewer's decision) runs in this process
against the real Kafka and PostgreSQL with every logger at DEBUG (aiokafka, sqlalchemy, asyncpg, uvicorn,
httpx, ours), one service also behind a real uvicorn server. Every record is checked raw, before the
JSON formatter's plate masking, which is only the last line of defence."""

import asyncio
import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from anpr_exemptions import ExemptionsSettings
from anpr_exemptions import create_app as exemptions_app
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

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
FRAMES, RDW = ROOT / "deploy" / "demo" / "frames", ROOT / "deploy" / "demo" / "rdw"
LOCATION, REGIME = "loc-centrum-noord", "milieuzone-centrum"
ADMIN = {"Authorization": "Bearer test-admin-token"}
REVIEWER = {"Authorization": "Bearer test-reviewer-token", "X-Purpose": "review"}
READING = {**ADMIN, "X-Purpose": "administration"}
# In the frames c12_2, c12_12 and c12_5; the permit holder; a read sent as JSON.
PLATES = ("63HKHD", "63-HK-HD", "ZDPB67", "ZD-PB-67", "57LFJB", "57-LF-JB", "XSNB23", "XS-NB-23")
NOISY = ("sqlalchemy", "aiokafka", "asyncpg", "uvicorn", "uvicorn.error", "uvicorn.access", "httpx", "httpcore")
IN_PROCESS = {"ingest", "recognition", "rules", "exemptions", "notices"}


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def every_record(monkeypatch: pytest.MonkeyPatch) -> Iterator[Records]:
    monkeypatch.setenv("ANPR_LOG_LEVEL", "DEBUG")  # the services' own logging set-up keeps DEBUG
    handler, root = Records(), logging.getLogger()
    before = {name: logging.getLogger(name).level for name in ("", *NOISY)}
    root.addHandler(handler)
    for name in ("", *NOISY):
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        for name, level in before.items():
            logging.getLogger(name).setLevel(level)


async def test_no_plate_in_any_log_record_of_the_pipeline(
    isolated: Callable[..., Any], run_app: Callable[..., Any], every_record: Records
) -> None:
    reviewer_token = "test-reviewer-token:reviewer"
    apps = {
        "ingest": ingest_app(isolated(IngestSettings)),
        "recognition": recognition_app(isolated(RecognitionSettings, onnx_threads=1)),
        "rules": rules_app(isolated(RulesSettings)),
        "exemptions": exemptions_app(isolated(ExemptionsSettings, extra_tokens=reviewer_token)),
        "notices": notices_app(isolated(NoticesSettings, extra_tokens=reviewer_token, purge_interval_seconds=0)),
    }
    camera = f"cam-{uuid.uuid4().hex[:8]}"
    database_url = isolated(RulesSettings).database_url
    await run_migrations(database_url, RULES_SPEC.migrations_dir, RULES_SPEC.schema)
    engine = create_engine(database_url)
    special, body = [RDW / "bijzonderheden.csv"], [RDW / "carrosserie.csv", RDW / "carrosserie_specifiek.csv"]
    await import_vehicles(engine, RDW / "voertuigen.csv", RDW / "brandstof.csv", special, body)
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
        await place_camera(http["ingest"], camera)
        permit = {"plate": "ZD-PB-67", "kind": "resident", "regimes": [REGIME], "valid_from": "2026-01-01T00:00:00Z"}
        granted = await http["exemptions"].post("/v1/exemptions", json={**permit, "reference": camera, "issuer": "t"})
        assert granted.status_code == 201, granted.text
        found = await http["exemptions"].get("/v1/exemptions", params={"plate": "ZD-PB-67"}, headers=READING)
        assert found.json(), found.text
        await until(lambda: permits_indexed(http["rules"]))

        for name in ("c12_2", "c12_12", "c12_5"):
            await post_frame(http["ingest"], camera, name)
        read = {"camera_id": camera, "observed_at": datetime.now(UTC).isoformat(), "plate": "XS-NB-23"}
        assert (await http["ingest"].post("/v1/reads", json={**read, "source": "fixed_anpr"})).status_code == 202

        async def candidate() -> list[dict[str, Any]]:
            found = (await http["notices"].get("/v1/candidates", params={"limit": 500}, headers=REVIEWER)).json()
            return [c for c in found if c["camera_id"] == camera and c["plate"] == "63HKHD"]

        [hit] = await until(candidate, timeout=120)  # the pipeline really carried a plate read from a photo
        decided = await http["notices"].post(
            f"/v1/candidates/{hit['id']}/decision", json={"decision": "accept"}, headers=REVIEWER
        )
        assert decided.status_code == 200, decided.text
        await behind_uvicorn(apps["exemptions"])
        await asyncio.sleep(1)  # whatever is still in flight logs now

    records = every_record.records
    assert {r.name.split(".")[0] for r in records} >= {"aiokafka", "sqlalchemy", "anpr_rules", "uvicorn"}, (
        "the loggers that could leak were not all heard: the test would prove nothing"
    )
    leaks = {(r.name, r.levelname, text[:160]) for r in records if (text := raw_text(r)) and leaked(text)}
    assert not leaks, "\n".join(map(str, sorted(leaks)))


def leaked(text: str) -> bool:
    return any(plate in text for plate in PLATES)


def raw_text(record: logging.LogRecord) -> str:
    """Everything a handler could write: the message, its arguments, extra fields and the exception."""
    if record.name == "httpx" and record.args and getattr(record.args[1], "host", "") in IN_PROCESS:
        return ""  # this test's own client calling the in-process apps, not the system under test
    extras = {k: v for k, v in vars(record).items() if k not in STANDARD}
    exception = logging.Formatter().formatException(record.exc_info) if record.exc_info else ""
    return f"{record.getMessage()} {record.args!r} {extras!r} {exception} {record.stack_info or ''}"


STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}


async def behind_uvicorn(app: Any) -> None:
    """A real uvicorn server with its access log switched ON: the query string carries a plate."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_config=None, log_level="debug", access_log=True)
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    await until(lambda: started(server))
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)  # not httpx: it would log the URL
        query = f"plate=ZD-PB-67&regime={REGIME}&at=2026-06-01T12:00:00Z"
        writer.write(f"GET /v1/check?{query} HTTP/1.1\r\n".encode())
        writer.write(b"Host: x\r\nAuthorization: Bearer test-admin-token\r\nConnection: close\r\n\r\n")
        answer = await reader.read()
        writer.close()
        # The check moved to POST (410 here), but an old client still puts the plate in this URL.
        assert b" 410 " in answer.split(b"\r\n")[0], answer[:200]
    finally:
        server.should_exit = True
        await serving


async def started(server: uvicorn.Server) -> bool:
    return server.started


async def place_camera(ingest: httpx.AsyncClient, camera: str) -> None:
    location = {"location_id": LOCATION, "name": "Centrum", "regimes": [REGIME]}
    assert (await ingest.post("/v1/locations", json=location)).status_code in (201, 409)
    assert (await ingest.post("/v1/cameras", json={"camera_id": camera})).status_code == 201
    placement = {"location_id": LOCATION, "valid_from": "2026-01-01T00:00:00Z"}
    assert (await ingest.post(f"/v1/cameras/{camera}/placements", json=placement)).status_code == 201


async def post_frame(ingest: httpx.AsyncClient, camera: str, name: str) -> None:
    headers = {
        "Content-Type": "image/jpeg",
        "X-Camera-Id": camera,
        "X-Captured-At": datetime.now(UTC).isoformat(),
        "X-Frame-Id": f"{camera}-{name}",
    }
    response = await ingest.post("/v1/frames", content=(FRAMES / f"{name}.jpg").read_bytes(), headers=headers)
    assert response.status_code == 202, response.text


async def permits_indexed(rules: httpx.AsyncClient) -> bool:
    status = (await rules.get("/v1/status")).json()
    return bool(status["permits"] >= 1 and status["vehicles"] > 0)


async def until(condition: Callable[[], Any], timeout: float = 60) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while not (found := await condition()):
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.3)
    return found
