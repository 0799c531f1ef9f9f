"""Every route of every service against every caller: the roles, a camera's own token, a revoked one, a
wrong one and none. Routes are read from the running apps, so a new route without an entry in
expected_access.py fails here until someone decides who may call it."""

import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import Route

from anpr_runtime.auth import Role

from .conftest import TEST_CAMERA
from .expected_access import CAMERA_TOKEN, EXPECTED, PUBLIC
from .host import ROLE_TOKENS, ServiceHost, build_apps

pytestmark = pytest.mark.integration

REVOKED, WRONG, NONE, NOT_BEARER = "revoked_camera_token", "wrong_token", "no_token", "basic_auth"
SAMPLE_UUID = str(uuid.UUID(int=7))


def routes(app: FastAPI) -> list[tuple[str, str, Route]]:
    found = []
    for route in app.routes:
        assert isinstance(route, Route), f"{route!r}: a kind of route this test does not know how to call"
        found.extend((method, route.path, route) for method in sorted(route.methods or ()) if method != "HEAD")
    return found


APPS = build_apps()
ROUTES = [(service, method, path) for service, app in APPS.items() for method, path, _ in routes(app)]


@pytest.mark.parametrize("service", list(APPS))
def test_every_route_has_an_expectation_and_every_expectation_a_route(service: str) -> None:
    served = {(method, path) for method, path, _ in routes(APPS[service])}
    expected = set(EXPECTED[service])
    assert not served - expected, f"routes of {service} missing from tests/security/expected_access.py"
    assert not expected - served, f"expectations for {service} routes that do not exist (renamed?)"


@pytest.fixture(scope="module")
def callers(host: ServiceHost) -> dict[str, dict[str, str]]:
    """Authorization headers of every kind of caller; the camera tokens are issued through ingest's API."""
    admin = {"Authorization": f"Bearer {ROLE_TOKENS[Role.ADMIN]}"}
    created = host.request("ingest", "POST", "/v1/cameras", json={"camera_id": TEST_CAMERA}, headers=admin)
    assert created.status_code in (201, 409), created.text
    tokens = f"/v1/cameras/{TEST_CAMERA}/tokens"
    live = host.request("ingest", "POST", tokens, json={"label": "live"}, headers=admin).json()
    revoked = host.request("ingest", "POST", tokens, json={"label": "revoked"}, headers=admin).json()
    gone = host.request("ingest", "POST", f"{tokens}/{revoked['token_id']}/revoke", headers=admin)
    assert gone.json()["revoked_at"], gone.text
    headers = {role.value: {"Authorization": f"Bearer {token}"} for role, token in ROLE_TOKENS.items()}
    headers[CAMERA_TOKEN] = {"Authorization": f"Bearer {live['token']}"}
    headers[REVOKED] = {"Authorization": f"Bearer {revoked['token']}"}
    headers[WRONG] = {"Authorization": "Bearer not-a-token-anyone-was-given"}
    headers[NONE] = {}
    headers[NOT_BEARER] = {"Authorization": f"Basic {ROLE_TOKENS[Role.ADMIN]}"}
    return headers


def expected_status(access: frozenset[Any], caller: str) -> str:
    if PUBLIC in access or caller in access:
        return "allowed"
    if caller in {role.value for role in Role}:
        return "403"  # known, but its role may not
    return "401"


@pytest.mark.parametrize(("service", "method", "path"), ROUTES, ids=[f"{s}:{m}:{p}" for s, m, p in ROUTES])
def test_route_answers_each_caller_as_the_table_says(
    host: ServiceHost, callers: dict[str, dict[str, str]], service: str, method: str, path: str
) -> None:
    access = EXPECTED[service].get((method, path))
    assert access is not None, f"{method} {path} of {service} has no entry in expected_access.py"
    url = fill_path(host.apps[service], method, path)
    wrong = []
    for caller, headers in callers.items():
        response = host.request(service, method, url, headers=headers)
        want = expected_status(access, caller)
        got = response.status_code
        ok = got not in (401, 403) and got < 500 if want == "allowed" else str(got) == want
        if not ok:
            wrong.append(f"{caller}: expected {want}, got {got} {response.text[:120]}")
    assert not wrong, f"{method} {path} of {service}:\n" + "\n".join(wrong)


def fill_path(app: FastAPI, method: str, path: str) -> str:
    """A concrete URL: each path parameter gets a value of its declared type (a uuid where one is asked)."""
    schemas = {}
    for route in app.routes:
        if isinstance(route, APIRoute) and route.path == path and method in route.methods:
            schemas = {p.alias: p.field_info.annotation for p in route.dependant.path_params}
    url = path
    for name in Route(path, endpoint=lambda: None).param_convertors:
        value = SAMPLE_UUID if schemas.get(name) is uuid.UUID else _sample(app, name)
        url = url.replace("{" + name + "}", value)
    return url


def _sample(app: FastAPI, name: str) -> str:
    samples = {"camera_id": TEST_CAMERA, "kind": "plate", "name": "review.js"}
    return samples.get(name, "sec-x")
