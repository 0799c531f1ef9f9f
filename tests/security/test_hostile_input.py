"""Inputs that once reached PostgreSQL or datetime arithmetic and came back as 500s (found by fuzzing the
OpenAPI documents): each must now be refused with a 4xx naming what is wrong."""

from typing import Any

import pytest

from anpr_runtime.auth import Role

from .host import ROLE_TOKENS, ServiceHost

pytestmark = pytest.mark.integration

ADMIN = {"Authorization": f"Bearer {ROLE_TOKENS[Role.ADMIN]}"}
NUL = "\x00"
AT = "2026-01-01T00:00:00Z"

CASES: list[tuple[str, str, str, dict[str, Any]]] = [
    # NUL in a path or query parameter compared with a text column
    ("ingest", "GET", "/v1/cameras/%00/health", {}),
    ("ingest", "GET", "/v1/cameras/%00/placements", {}),
    ("ingest", "GET", "/v1/cameras/%00/tokens", {}),
    ("ingest", "POST", "/v1/cameras/%00/tokens", {}),
    ("ingest", "POST", "/v1/cameras/cam/tokens/%00/revoke", {}),
    ("ingest", "GET", "/v1/locations/%00", {}),
    ("ingest", "POST", "/v1/cameras/%00/placements", {"json": {"location_id": "x", "valid_from": AT}}),
    ("ingest", "POST", "/v1/cameras/%00/placements/end", {"json": {"valid_until": AT}}),
    ("notices", "GET", "/v1/audit", {"params": {"actor": NUL}}),
    ("notices", "GET", "/v1/audit", {"params": {"subject": NUL}}),
    ("notices", "GET", "/v1/candidates", {"params": {"regime": NUL}}),
    ("notices", "GET", "/v1/candidates", {"params": {"location": NUL}}),
    # NUL in a text field that is stored
    ("ingest", "POST", "/v1/cameras", {"json": {"camera_id": "cam-nul", "description": NUL}}),
    ("ingest", "POST", "/v1/locations", {"json": {"location_id": "l-nul", "name": NUL, "regimes": []}}),
    (
        "ingest",
        "POST",
        "/v1/locations",
        {"json": {"location_id": "l-nul", "name": "n", "regimes": [], "consent_reference": NUL}},
    ),
    (
        "ingest",
        "POST",
        "/v1/reads",
        {"json": {"source": "camera", "observed_at": AT, "plate": "AB12CD", "country": "N\x00"}},
    ),
    # the far ends of datetime: overflow when converted to UTC or moved by a window
    ("notices", "GET", "/v1/stats", {"params": {"since": "9999-12-30T00:00:00Z", "until": "9999-12-31T23:00:00Z"}}),
    ("notices", "GET", "/v1/audit", {"params": {"since": "0001-01-01T00:00:00+14:00"}}),
    ("notices", "POST", "/v1/retention/purge", {"json": {"now": "0001-01-01T00:00:00+14:00"}}),
    ("notices", "POST", "/v1/retention/purge", {"json": {"now": "9999-12-31T23:59:59-12:00"}}),
    (
        "ingest",
        "POST",
        "/v1/cameras/cam/placements",
        {"json": {"location_id": "x", "valid_from": "0001-01-01T00:00:00+14:00"}},
    ),
]


@pytest.mark.parametrize(("service", "method", "url", "request_kwargs"), CASES)
def test_refused_with_a_4xx(
    host: ServiceHost, service: str, method: str, url: str, request_kwargs: dict[str, Any]
) -> None:
    response = host.request(service, method, url, headers=ADMIN, **request_kwargs)

    assert 400 <= response.status_code < 500, response.text
    assert response.json()["detail"]
