"""Bad input to any endpoint gets a 4xx with a clear message, never a 5xx (running apps, real stores)."""

from collections.abc import Callable
from contextlib import AsyncExitStack
from typing import Any

import httpx
import pytest

from anpr_exemptions import ExemptionsSettings
from anpr_exemptions import create_app as exemptions_app
from anpr_ingest import IngestSettings
from anpr_ingest import create_app as ingest_app
from anpr_notices import NoticesSettings
from anpr_notices import create_app as notices_app

ADMIN = {"Authorization": "Bearer test-admin-token"}
# Reads of personal data say why (X-Purpose); admin holds every purpose.
READING = {**ADMIN, "X-Purpose": "administration"}
CAMERA = {"Authorization": "Bearer test-camera-token"}
JPEG_HEADERS = {"X-Camera-Id": "cam-x", "X-Captured-At": "2026-01-01T10:00:00+01:00", **ADMIN}

CASES: list[tuple[str, str, str, dict[str, Any], int]] = [
    # service, method, path, request kwargs, expected status
    ("ingest", "POST", "/v1/frames", {"content": b"GIF89a...", "headers": JPEG_HEADERS}, 415),
    ("ingest", "POST", "/v1/frames", {"content": b"\xff\xd8\xff\xe0\x00\x10JFIF", "headers": JPEG_HEADERS}, 415),
    ("ingest", "POST", "/v1/frames", {"content": b"", "headers": JPEG_HEADERS}, 415),
    (
        "ingest",
        "POST",
        "/v1/frames",
        {"content": b"\xff\xd8", "headers": {**JPEG_HEADERS, "X-Captured-At": "yesterday"}},
        422,
    ),
    (
        "ingest",
        "POST",
        "/v1/frames",
        {"content": b"\xff\xd8", "headers": {**ADMIN, "X-Captured-At": "2026-01-01T10:00:00Z"}},
        422,
    ),
    (
        "ingest",
        "POST",
        "/v1/frames",
        {"content": b"\xff\xd8", "headers": {k: v for k, v in JPEG_HEADERS.items() if k != "Authorization"}},
        401,
    ),
    ("ingest", "POST", "/v1/reads", {"json": {"source": "scan_car"}, "headers": CAMERA}, 422),
    (
        "ingest",
        "POST",
        "/v1/reads",
        {"content": b"{not json", "headers": {**CAMERA, "Content-Type": "application/json"}},
        422,
    ),
    (
        "ingest",
        "POST",
        "/v1/reads",
        {"json": {"source": "scan_car", "observed_at": "2026-01-01T10:00:00Z", "plate": "AB-12-CD"}, "headers": CAMERA},
        422,
    ),
    (
        "ingest",
        "POST",
        "/v1/reads",
        {
            "json": {
                "source": "scan_car",
                "observed_at": "2026-01-01T10:00:00Z",
                "plate": "AB12CD",
                "location_id": "nowhere",
            },
            "headers": CAMERA,
        },
        404,
    ),
    (
        "ingest",
        "POST",
        "/v1/reads",
        {
            "json": {
                "source": "scan_car",
                "observed_at": "2026-01-01T10:00:00Z",
                "plate": "AB12CD",
                "location_id": "x",
                "plate_jpeg": "%%%",
            },
            "headers": CAMERA,
        },
        422,
    ),
    ("ingest", "POST", "/v1/cameras", {"json": {"camera_id": "has spaces"}, "headers": ADMIN}, 422),
    ("ingest", "POST", "/v1/cameras", {"json": {"camera_id": "cam-ok"}, "headers": CAMERA}, 403),
    (
        "ingest",
        "POST",
        "/v1/cameras/nope/placements",
        {"json": {"location_id": "x", "valid_from": "2026-01-01T00:00:00Z"}, "headers": ADMIN},
        404,
    ),
    (
        "ingest",
        "POST",
        "/v1/cameras/nope/placements",
        {"json": {"location_id": "x", "valid_from": "2026-01-01"}, "headers": ADMIN},
        422,
    ),
    ("exemptions", "POST", "/v1/exemptions", {"json": {"plate": "", "kind": "resident"}, "headers": ADMIN}, 422),
    (
        "exemptions",
        "POST",
        "/v1/exemptions",
        {
            "json": {
                "plate": "AB12CD",
                "kind": "bribe",
                "valid_from": "2026-01-01T00:00:00Z",
                "reference": "r",
                "issuer": "i",
            },
            "headers": ADMIN,
        },
        422,
    ),
    (
        "exemptions",
        "POST",
        "/v1/exemptions",
        {
            "json": {
                "plate": "AB12CD",
                "kind": "resident",
                "valid_from": "2026-02-01T00:00:00Z",
                "valid_until": "2026-01-01T00:00:00Z",
                "reference": "r",
                "issuer": "i",
            },
            "headers": ADMIN,
        },
        422,
    ),
    ("exemptions", "POST", "/v1/exemptions/unknown/revoke", {"headers": ADMIN}, 404),
    (
        "exemptions",
        "POST",
        "/v1/check",
        {"json": {"plate": "AB12CD", "regime": "x", "at": "not a date"}, "headers": READING},
        422,
    ),
    (
        "exemptions",
        "POST",
        "/v1/check",
        {"json": {"plate": "AB12CD", "regime": "x", "at": "2026-01-01T00:00:00Z"}, "headers": ADMIN},
        400,
    ),
    ("exemptions", "GET", "/v1/check", {"params": {"plate": "AB12CD", "regime": "x"}, "headers": READING}, 410),
    ("notices", "GET", "/v1/candidates", {"params": {"status": "lost"}, "headers": READING}, 422),
    ("notices", "GET", "/v1/candidates", {"params": {"limit": 100000}, "headers": READING}, 422),
    ("notices", "GET", "/v1/candidates/not-a-uuid", {"headers": READING}, 422),
    ("notices", "GET", "/v1/candidates/00000000-0000-0000-0000-000000000000", {"headers": READING}, 404),
    (
        "notices",
        "GET",
        "/v1/candidates/00000000-0000-0000-0000-000000000000/evidence/selfie",
        {"headers": READING},
        422,
    ),
    (
        "notices",
        "POST",
        "/v1/candidates/00000000-0000-0000-0000-000000000000/decision",
        {"json": {"decision": "maybe"}, "headers": ADMIN},
        422,
    ),
    (
        "notices",
        "POST",
        "/v1/candidates/00000000-0000-0000-0000-000000000000/decision",
        {"json": {"decision": "accept"}, "headers": ADMIN},
        404,
    ),
    ("notices", "GET", "/v1/candidates", {"headers": {"Authorization": "Bearer wrong"}}, 401),
]


@pytest.fixture
async def clients(isolated: Callable[..., Any], run_app: Callable[..., Any]) -> Any:
    apps = {
        "ingest": ingest_app(isolated(IngestSettings)),
        "exemptions": exemptions_app(isolated(ExemptionsSettings)),
        "notices": notices_app(isolated(NoticesSettings)),
    }
    async with AsyncExitStack() as stack:
        clients = {}
        for name, app in apps.items():
            await stack.enter_async_context(run_app(app))
            transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
            clients[name] = await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url=f"http://{name}")
            )
        yield clients


async def test_bad_input_gets_a_clear_4xx(clients: dict[str, httpx.AsyncClient]) -> None:
    problems = []
    for service, method, path, kwargs, expected in CASES:
        response = await clients[service].request(method, path, **kwargs)
        detail = response.json().get("detail") if response.headers.get("content-type") == "application/json" else None
        if response.status_code != expected or not detail:
            problems.append(f"{service} {method} {path} {kwargs}: {response.status_code} {response.text[:200]}")
    assert not problems, "\n".join(problems)
