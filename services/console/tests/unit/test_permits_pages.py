"""The permit desk's pages against an in-memory exemptions API (httpx's MockTransport): roles, CSRF, a bad
field kept and marked, double submits, the quota's 409, a service down, and the CSV import's report."""

import json
import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from anpr_console import ConsoleSettings, create_app
from anpr_console.adapters.services_api import ServicesApi
from anpr_console.bootstrap import ConsoleComponents

from .fakes import FakeSessionStore, identity, signed_in_session

NOW = datetime.now(UTC)
CSRF = "csrf-secret"


@dataclass
class FakeExemptions:
    """Just enough of exemptions' API; `down` answers every call with a connection error."""

    permits: dict[str, dict[str, Any]] = field(default_factory=dict)
    audit: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    quota_left: int = 12
    down: bool = False

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.down:
            raise httpx.ConnectError("down")
        path, method = request.url.path, request.method
        self.calls.append(f"{method} {path}")
        reads_permit_data = method == "GET" or path == "/v1/quota"
        if reads_permit_data and request.headers.get("X-Purpose") != "permit_desk":
            return httpx.Response(400, json={"detail": "X-Purpose is required to read personal data"})
        if path == "/v1/quota":
            plate = json.loads(request.content)["plate"]
            used = 12 - self.quota_left
            body = {"plate": plate, "year": 2026, "municipality": "amsterdam", "used": used, "limit": 12}
            return httpx.Response(200, json={**body, "left": self.quota_left})
        if path == "/v1/exemptions/import":
            if request.headers["content-type"] != "text/csv":
                return httpx.Response(415, json={"detail": "send the file as text/csv"})
            lines = request.content.decode().splitlines()
            errors = [{"row": n, "error": "kind: bad"} for n, line in enumerate(lines[1:], 2) if "bad" in line]
            created = [
                {"row": n, "exemption_id": f"imp-{n}"} for n, line in enumerate(lines[1:], 2) if "bad" not in line
            ]
            return httpx.Response(200, json={"created": created, "errors": errors})
        if path == "/v1/exemptions" and method == "GET":
            plate = request.url.params.get("plate")
            found = [p for p in self.permits.values() if not plate or p["plate"] == plate]
            return httpx.Response(200, json=found)
        if path == "/v1/exemptions" and method == "POST":
            body = json.loads(request.content)
            if body["kind"] == "day-permit" and self.quota_left <= 0:
                return httpx.Response(409, json={"detail": "the yearly quota of 12 day permits is used up"})
            permit = {**body, "exemption_id": str(uuid.uuid4()), "revoked": False, "valid_until": None}
            permit.setdefault("valid_from", "2026-03-01T00:00:00+01:00")
            self.permits[permit["exemption_id"]] = permit
            self.audit[permit["exemption_id"]] = [
                {
                    "at": NOW.isoformat(),
                    "actor": "sub-1",
                    "actor_name": "Sanne",
                    "action": "grant",
                    "changed": [],
                    "before": None,
                    "after": permit,
                }
            ]
            return httpx.Response(201, json=permit)
        found = re.fullmatch(r"/v1/exemptions/([^/]+)(/revoke|/audit)?", path)
        if not found or found.group(1) not in self.permits:
            return httpx.Response(404, json={"detail": "no such exemption"})
        permit = self.permits[found.group(1)]
        if found.group(2) == "/audit":
            return httpx.Response(200, json=self.audit.get(permit["exemption_id"], []))
        if found.group(2) == "/revoke":
            permit["revoked"] = True
        elif method == "PATCH":
            permit.update(json.loads(request.content))
        return httpx.Response(200, json=permit)


@dataclass
class Desk:
    client: httpx.AsyncClient
    api: FakeExemptions


async def _desk(roles: frozenset[str]) -> AsyncIterator[Desk]:
    api, store = FakeExemptions(), FakeSessionStore()
    await store.save(
        signed_in_session("Sanne Jansen", roles, CSRF, session_id="sid", now=NOW, session_for=timedelta(minutes=30))
    )
    settings = ConsoleSettings(environment="development", database_url="postgresql+asyncpg://unused/unused")
    app = create_app(settings)
    http = httpx.AsyncClient(transport=httpx.MockTransport(api))
    services = ServicesApi(http, {"exemptions": "http://exemptions"})
    app.state.console = ConsoleComponents(settings, identity(store), services)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://console") as client:
        client.cookies.set("anpr_console_session", "sid")
        yield Desk(client, api)
    await http.aclose()


@pytest.fixture
async def desk() -> AsyncIterator[Desk]:
    async for made in _desk(frozenset({"permit_desk"})):
        yield made


@pytest.fixture
async def reviewer() -> AsyncIterator[Desk]:
    async for made in _desk(frozenset({"reviewer"})):
        yield made


GRANT = {
    "csrf_token": CSRF,
    "plate": "XS-NB-23",
    "kind": "resident",
    "regimes": "milieuzone-centrum",
    "valid_from": "2026-03-01",
    "reference": "BEW-1",
}


async def test_a_person_without_the_role_gets_the_403_page(reviewer: Desk) -> None:
    for path in ("/permits", "/permits/new", "/permits/import", "/permits/p-1"):
        response = await reviewer.client.get(path)
        assert response.status_code == 403, path
        assert "permit_desk" in response.text
    assert reviewer.api.calls == []


async def test_search_by_plate_shows_the_results_and_the_quota(desk: Desk) -> None:
    await desk.client.post("/permits/new", data=GRANT)
    page = await desk.client.get("/permits", params={"plate": "xs-nb-23"})
    assert page.status_code == 200
    assert "BEW-1" in page.text
    assert "0 van de 12" in page.text
    assert '<th scope="col">' in page.text


async def test_a_bad_field_keeps_what_was_typed_and_marks_the_field(desk: Desk) -> None:
    response = await desk.client.post("/permits/new", data={**GRANT, "valid_until": "2020-01-01"})
    assert response.status_code == 422
    assert 'value="BEW-1"' in response.text
    marked = re.search(r'<input id="f-valid_until"[^>]*>', response.text)
    assert marked is not None
    assert 'aria-invalid="true"' in marked.group(0)
    assert 'aria-describedby="valid_until-hint valid_until-error"' in marked.group(0)
    assert 'id="valid_until-error"' in response.text
    assert not any(call.startswith("POST") for call in desk.api.calls if "quota" not in call)


async def test_a_grant_redirects_and_the_same_form_again_grants_nothing_twice(desk: Desk) -> None:
    first = await desk.client.post("/permits/new", data=GRANT)
    assert first.status_code == 303
    assert first.headers["location"].endswith("?done=created")
    again = await desk.client.post("/permits/new", data=GRANT)
    assert again.headers["location"] == first.headers["location"].replace("created", "exists")
    assert len(desk.api.permits) == 1
    detail = await desk.client.get(first.headers["location"])
    assert "Sanne" in detail.text
    assert "verleend" in detail.text


async def test_a_day_permit_past_the_quota_is_refused_with_the_services_reason(desk: Desk) -> None:
    desk.api.quota_left = 0
    day = {**GRANT, "kind": "day-permit", "day": "2026-03-14"}
    response = await desk.client.post("/permits/new", data=day)
    assert response.status_code == 409
    assert "quota of 12 day permits is used up" in response.text
    assert "Het quotum is op" in response.text
    assert desk.api.permits == {}


async def test_a_post_without_the_csrf_token_is_refused(desk: Desk) -> None:
    response = await desk.client.post("/permits/new", data={**GRANT, "csrf_token": "forged"})
    assert response.status_code == 403
    assert desk.api.permits == {}


async def test_change_then_the_same_change_again_changes_nothing(desk: Desk) -> None:
    location = (await desk.client.post("/permits/new", data=GRANT)).headers["location"]
    permit_id = location.split("/")[-1].split("?")[0]
    form = await desk.client.get(f"/permits/{permit_id}/change")
    assert 'value="BEW-1"' in form.text
    change = {**GRANT, "reference": "BEW-2"}
    del change["plate"], change["kind"]
    first = await desk.client.post(f"/permits/{permit_id}/change", data=change)
    assert first.headers["location"].endswith("done=changed")
    again = await desk.client.post(f"/permits/{permit_id}/change", data=change)
    assert again.headers["location"].endswith("done=unchanged")
    assert sum(call.startswith("PATCH") for call in desk.api.calls) == 1


async def test_revoke_asks_first_and_then_revokes(desk: Desk) -> None:
    location = (await desk.client.post("/permits/new", data=GRANT)).headers["location"]
    permit_id = location.split("/")[-1].split("?")[0]
    confirm = await desk.client.get(f"/permits/{permit_id}/revoke")
    assert "confirm-revoke" in confirm.text
    assert not desk.api.permits[permit_id]["revoked"]
    done = await desk.client.post(f"/permits/{permit_id}/revoke", data={"csrf_token": CSRF})
    assert done.headers["location"].endswith("done=revoked")
    assert desk.api.permits[permit_id]["revoked"]


async def test_an_unknown_permit_and_a_service_down(desk: Desk) -> None:
    missing = await desk.client.get("/permits/nope")
    assert missing.status_code == 404
    assert "niet gevonden" in missing.text
    desk.api.down = True
    response = await desk.client.get("/permits", params={"plate": "XSNB23"})
    assert response.status_code == 503
    assert "exemptions" in response.text


async def test_a_csv_import_reports_per_row_and_a_resent_file_is_not_imported_again(desk: Desk) -> None:
    csv = b"plate,kind,reference,issuer\nAB12CD,resident,R-1,Loket\nQQ99QQ,bad,R-2,Loket\n"
    files = {"file": ("permits.csv", csv, "text/csv")}
    first = await desk.client.post("/permits/import", data={"csrf_token": CSRF}, files=files)
    assert first.status_code == 303
    report = await desk.client.get(first.headers["location"])
    assert "1 geïmporteerd, 1 geweigerd" in report.text
    assert "kind: bad" in report.text
    again = await desk.client.post("/permits/import", data={"csrf_token": CSRF}, files=files)
    assert again.headers["location"] == f"{first.headers['location']}?repeated=1"
    assert sum("import" in call for call in desk.api.calls) == 1
    forced = await desk.client.post("/permits/import", data={"csrf_token": CSRF, "again": "1"}, files=files)
    assert forced.headers["location"] != first.headers["location"]
    forged = await desk.client.post("/permits/import", data={"csrf_token": "forged"}, files=files)
    assert forged.status_code == 403
    empty = {"file": ("empty.csv", b"", "text/csv")}
    assert (await desk.client.post("/permits/import", data={"csrf_token": CSRF}, files=empty)).status_code == 422
