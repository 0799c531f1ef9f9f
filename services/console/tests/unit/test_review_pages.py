"""The review screen as an app against in-memory notices and rules (httpx's MockTransport): a form with a bad
CSRF token and a person without a reviewer role get the 403 page (and nothing reaches notices), and the
vehicle and history panels show words, not codes, in both languages."""

import json
import re
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
CSRF = "csrf-secret-of-the-session"
CURRENT = "0f9c2a4e-4d1b-4f55-9a3e-0d5a1c7b9e01"
EARLIER = "5b6f1e2d-8c3a-4e7b-b1d4-2a9e6f0c3d17"


@dataclass
class FakeServices:
    """Just enough of notices (queue, candidate, history, decision) and rules (describe)."""

    calls: list[str] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.calls.append(f"{request.method} {request.url.host}{path}")
        if path == "/v1/vehicles/describe":
            plate = json.loads(request.content)["plate"]
            return httpx.Response(200, json={"plate": plate, "make": "PEUGEOT", "model": "307", "colour": "BLAUW"})
        if path == "/v1/candidates":
            return httpx.Response(200, json=[_candidate()])
        if path == f"/v1/candidates/{CURRENT}":
            return httpx.Response(200, json=_candidate())
        if path == f"/v1/candidates/{CURRENT}/history":
            return httpx.Response(200, json={"items": [_earlier()]})
        if path.endswith("/decision"):
            return httpx.Response(200, json={"status": "notice_issued"})
        return httpx.Response(404, json={"detail": "Not Found"})


def _candidate() -> dict[str, Any]:
    return {
        "id": CURRENT,
        "plate": "63HKHD",
        "formatted": "63-HK-HD",
        "country": "NL",
        "confidence": 0.97,
        "status": "pending",
        "regime_id": "milieuzone-centrum",
        "regime_version": "2026.2",
        "mode": "enforce",
        "fine_eur": 120,
        "location_id": "loc-centrum-zuid",
        "camera_id": "cam-1",
        "observed_at": NOW.isoformat(),
        "evidence": {},
        "explanation": ["emission class 3 below 4"],
        "decisions": [],
    }


def _earlier() -> dict[str, Any]:
    return {
        "id": EARLIER,
        "observed_at": (NOW - timedelta(days=3)).isoformat(),
        "location": "loc-centrum-noord",
        "status": "rejected",
        "decision": "reject",
        "decided_by": "sub-renske",
        "decided_by_name": "Renske de Vries",
        "decided_at": (NOW - timedelta(days=2)).isoformat(),
        "reason": "exempt",
    }


@dataclass
class Console:
    client: httpx.AsyncClient
    services: FakeServices


async def _console(roles: frozenset[str]) -> AsyncIterator[Console]:
    fake, store = FakeServices(), FakeSessionStore()
    await store.save(signed_in_session("Renske de Vries", roles, CSRF, session_id="sid", subject="sub-renske", now=NOW))
    settings = ConsoleSettings(environment="development", database_url="postgresql+asyncpg://unused/unused")
    app = create_app(settings)
    http = httpx.AsyncClient(transport=httpx.MockTransport(fake))
    services = ServicesApi(http, {"notices": "http://notices", "rules": "http://rules"})
    app.state.console = ConsoleComponents(settings, identity(store), services)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://console") as client:
        client.cookies.set("anpr_console_session", "sid")
        yield Console(client, fake)
    await http.aclose()


@pytest.fixture
async def reviewer() -> AsyncIterator[Console]:
    async for made in _console(frozenset({"reviewer"})):
        yield made


@pytest.fixture
async def operator() -> AsyncIterator[Console]:
    async for made in _console(frozenset({"operator", "permit_desk"})):
        yield made


DECISION = f"/review/{CURRENT}/decision"


@pytest.mark.parametrize("token", ["", "not-the-session-token", CSRF + "x"])
async def test_a_decision_with_a_bad_csrf_token_gets_the_403_page_and_never_reaches_notices(
    reviewer: Console, token: str
) -> None:
    form = {"action": "accept", "status": "pending"} | ({"csrf_token": token} if token else {})

    response = await reviewer.client.post(DECISION, data=form)

    assert response.status_code == 403
    assert "Het formulier was verlopen of kwam niet van deze console" in response.text
    assert not any(call.endswith("/decision") for call in reviewer.services.calls)


async def test_the_same_form_with_the_right_token_is_decided(reviewer: Console) -> None:
    # The counterpart of the test above: the 403 is the token's doing, not the form's.
    response = await reviewer.client.post(DECISION, data={"action": "accept", "csrf_token": CSRF})

    assert response.status_code == 303
    assert response.headers["location"] == "/review?status=pending&done=notice_issued"
    assert f"POST notices/v1/candidates/{CURRENT}/decision" in reviewer.services.calls


@pytest.mark.parametrize(("method", "path"), [("GET", "/review"), ("GET", f"/review/{CURRENT}"), ("POST", DECISION)])
async def test_without_a_reviewer_role_the_403_page_names_the_roles_needed(
    operator: Console, method: str, path: str
) -> None:
    data = {"action": "accept", "csrf_token": CSRF} if method == "POST" else None

    response = await operator.client.request(method, path, data=data)

    assert response.status_code == 403
    assert "Geen toegang" in response.text
    needed = re.search(r"een van deze rollen nodig: ([^.]*)\. Uw rollen: ([^.]*)\.", response.text)
    assert needed is not None, response.text
    assert "reviewer" in needed.group(1)
    assert "operator" not in needed.group(1)
    assert set(needed.group(2).replace(",", " ").split()) == {"operator", "permit_desk"}
    assert operator.services.calls == []  # nothing of a candidate was fetched for someone who may not see it


async def test_make_model_colour_and_history_are_shown_in_words(reviewer: Console) -> None:
    page = await reviewer.client.get("/review")

    assert page.status_code == 200
    vehicle = _between(page.text, 'id="vehicle"', "</dl>")
    assert "PEUGEOT" in vehicle
    assert "307" in vehicle
    assert "Blauw" in vehicle
    history = _between(page.text, 'id="history"', "</table>")
    assert "loc-centrum-noord" in history
    assert "afgewezen (vrijgesteld)" in history
    assert "Renske de Vries" in history
    assert "rejected" not in history  # a code, not a word
    assert "sub-renske" not in history  # the subject is for machines; people see the name
    assert f'href="/review/{EARLIER}?' in history
    assert "handhaven" in page.text  # the mode too
    assert "POST rules/v1/vehicles/describe" in reviewer.services.calls


async def test_the_history_in_english(reviewer: Console) -> None:
    reviewer.client.cookies.set("anpr_lang", "en")

    page = await reviewer.client.get("/review")

    history = _between(page.text, 'id="history"', "</table>")
    assert "rejected (exempt)" in history
    assert '<th scope="col">Decision</th>' in history


def _between(text: str, start: str, end: str) -> str:
    at = text.index(start)
    return text[at : text.index(end, at)]
