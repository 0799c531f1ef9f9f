"""The operations screen's pages through HTTP, with the signed-in person and ingest faked: what each page
shows, a bad form keeps what was typed and marks the field, double submits, 403 and 503 pages."""

import json
import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from anpr_console.entrypoints import api, operations
from anpr_console.entrypoints.deps import signed_in
from anpr_console.entrypoints.rendering import environment

from .fakes import signed_in_session
from .ops_fakes import FakeIngest

NOW = datetime.now(UTC)
CSRF = "csrf-secret-of-the-session"


def _client(ingest: FakeIngest, roles: set[str] | None = None) -> httpx.AsyncClient:
    app = FastAPI()
    app.include_router(operations.router)
    app.state.templates = environment()
    app.state.console = SimpleNamespace(services=ingest, settings=SimpleNamespace(secure_cookies=False), identity=None)
    api._error_pages(app)  # the console's own mapping of 403/503/CSRF to pages
    person = signed_in_session(
        "Daan Operator", roles if roles is not None else {"operator"}, CSRF, subject="sub-daan", now=NOW
    )
    app.dependency_overrides[signed_in] = lambda: person
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://console")


@pytest.fixture
def ingest() -> FakeIngest:
    fake = FakeIngest()
    fake.add_camera("cam-r1", "rotating")
    fake.add_camera("cam-f1", "fixed")
    fake.add_location("loc-a", consent_reference="OM-2026-1", regimes=["milieuzone"])
    fake.add_location("loc-b", consent_reference="OM-2026-2", zone_id="centrum", direction="entry", sign="C22a")
    fake.place("cam-r1", "loc-a", "2026-11-01T00:00:00+01:00")
    fake.place("cam-f1", "loc-b", "2026-10-01T00:00:00+02:00")
    fake.health["cam-r1"] = {
        "camera_id": "cam-r1",
        "last_frame_at": (NOW - timedelta(minutes=2)).isoformat(),
        "rejected_24h": {"clock_skew": 3},
        "clock_skew_seconds": 1.5,
        "clock_suspect": False,
    }
    fake.health["cam-f1"] = {"camera_id": "cam-f1", "last_frame_at": (NOW - timedelta(hours=3)).isoformat()}
    return fake


async def test_the_cameras_list_shows_kind_place_and_a_stale_warning_in_words(ingest: FakeIngest) -> None:
    page = await _client(ingest).get("/operations")
    assert page.status_code == 200
    assert "verplaatsbaar" in page.text
    assert "vast" in page.text
    assert "Waarschuwing: geen beelden" in page.text  # cam-f1: 3 hours without a frame
    assert "1 camera(&#39;s) sturen geen beelden (meer)" in page.text
    assert "klok vooruit 3" in page.text
    assert '<th scope="col">' in page.text
    assert "<caption>" in page.text


async def test_moving_a_camera_redirects_and_the_history_changes_once(ingest: FakeIngest) -> None:
    client = _client(ingest)
    form = {"csrf_token": CSRF, "location_id": "loc-b", "valid_from": "2026-12-07T08:00"}
    first = await client.post("/operations/cameras/cam-r1/move", data=form)
    assert first.status_code == 303
    assert first.headers["location"].endswith("done=moved")
    again = await client.post("/operations/cameras/cam-r1/move", data=form)  # the double submit
    assert again.status_code == 303
    assert again.headers["location"].endswith("done=already_moved")
    history = ingest.placements["cam-r1"]
    assert [p["location_id"] for p in history] == ["loc-a", "loc-b"]
    assert datetime.fromisoformat(history[0]["valid_until"]) == datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
    page = await client.get(first.headers["location"])
    assert "De camera is verplaatst" in page.text
    assert "staat er nu" in page.text


async def test_a_move_before_the_current_placement_shows_ingests_409_on_the_moment(ingest: FakeIngest) -> None:
    form = {"csrf_token": CSRF, "location_id": "loc-b", "valid_from": "2026-10-15T08:00"}
    page = await _client(ingest).post("/operations/cameras/cam-r1/move", data=form)
    assert page.status_code == 422
    assert re.search(r'id="valid_from"[^>]*aria-describedby="valid_from-hint valid_from-error"', page.text)
    assert 'aria-invalid="true"' in page.text
    assert "may only be appended" in page.text
    assert 'value="2026-10-15T08:00"' in page.text
    assert '<option value="loc-b" selected>' in page.text
    assert len(ingest.placements["cam-r1"]) == 1


async def test_a_bad_moment_is_marked_without_calling_ingest(ingest: FakeIngest) -> None:
    form = {"csrf_token": CSRF, "location_id": "loc-b", "valid_from": "morgen"}
    page = await _client(ingest).post("/operations/cameras/cam-r1/move", data=form)
    assert page.status_code == 422
    assert "Geen geldig moment" in page.text
    assert 'value="morgen"' in page.text
    assert ingest.writes == []


async def test_a_form_without_the_csrf_token_is_refused(ingest: FakeIngest) -> None:
    page = await _client(ingest).post("/operations/cameras/cam-r1/move", data={"location_id": "loc-b"})
    assert page.status_code == 403
    assert ingest.writes == []


async def test_a_location_form_with_a_bad_sign_keeps_the_typed_values(ingest: FakeIngest) -> None:
    form = {"csrf_token": CSRF, "location_id": "loc-c", "name": "Kade", "regimes": "x", "sign": "stop", "zone_id": ""}
    page = await _client(ingest).post("/operations/locations/new", data=form)
    assert page.status_code == 422
    assert re.search(r'id="sign"[^>]*value="stop"[^>]*aria-describedby="sign-hint sign-error"', page.text)
    assert 'id="sign-error"' in page.text
    assert 'value="Kade"' in page.text
    assert "loc-c" not in ingest.locations


async def test_creating_a_location_twice_creates_it_once(ingest: FakeIngest) -> None:
    client = _client(ingest)
    form = {"csrf_token": CSRF, "location_id": "loc-c", "name": "Kade", "regimes": "a, b", "sign": "C7"}
    created = await client.post("/operations/locations/new", data=form)
    assert "done=created" in created.headers["location"]
    again = await client.post("/operations/locations/new", data=form)
    assert "done=already_created" in again.headers["location"]
    assert ingest.locations["loc-c"]["regimes"] == ["a", "b"]
    listing = (await client.get(again.headers["location"])).text
    assert "bestond al precies zo" in listing
    assert "C7" in listing


async def test_amending_a_location_changes_only_what_may_change(ingest: FakeIngest) -> None:
    client = _client(ingest)
    form = {"csrf_token": CSRF, "name": "changed?", "regimes": "venstertijden", "sign": "", "consent_reference": "OM-9"}
    assert (await client.post("/operations/locations/loc-b", data=form)).status_code == 303
    loc = ingest.locations["loc-b"]
    assert (loc["name"], loc["regimes"], loc["sign"], loc["consent_reference"]) == (
        "Loc-B",
        ["venstertijden"],
        None,
        "OM-9",
    )


async def test_ingests_403_for_a_write_is_said_on_the_form(ingest: FakeIngest) -> None:
    ingest.may_write = False
    form = {"csrf_token": CSRF, "location_id": "loc-b", "valid_from": "2026-12-07T08:00"}
    page = await _client(ingest).post("/operations/cameras/cam-r1/move", data=form)
    assert page.status_code == 422
    assert "Ingest staat deze wijziging uw rol niet toe (this needs one of the roles: admin)" in page.text


async def test_without_the_operator_role_the_screen_is_forbidden(ingest: FakeIngest) -> None:
    page = await _client(ingest, {"reviewer"}).get("/operations")
    assert page.status_code == 403
    assert "Geen toegang" in page.text


async def test_ingest_down_gives_the_503_page(ingest: FakeIngest) -> None:
    ingest.down = True
    page = await _client(ingest).get("/operations/locations")
    assert page.status_code == 503
    assert "ingest" in page.text


async def test_an_unknown_camera_is_a_404_page(ingest: FakeIngest) -> None:
    assert (await _client(ingest).get("/operations/cameras/nope")).status_code == 404


def _plan(days: list[str], cameras: dict[str, list[str | None]]) -> dict[str, Any]:
    return {"status": "optimal", "expected_detections": 12.5, "days": days, "cameras": cameras, "coverage": {}}


async def test_a_rotation_plan_is_shown_then_approved_once(ingest: FakeIngest) -> None:
    client = _client(ingest)
    plan = _plan(["2026-12-07", "2026-12-08", "2026-12-09"], {"cam-r1": ["loc-a", "loc-b", None]})
    files = {"plan_file": ("plan-2026-12-07.json", json.dumps(plan).encode(), "application/json")}
    shown = await client.post("/operations/rotation", data={"csrf_token": CSRF}, files=files)
    assert shown.status_code == 200
    assert "verplaatst" in shown.text
    assert "uit" in shown.text
    carried = re.search(r'name="plan" value="([^"]+)"', shown.text)
    assert carried is not None
    compact = carried.group(1).replace("&#34;", '"')
    first = await client.post("/operations/rotation/approve", data={"csrf_token": CSRF, "plan": compact})
    assert first.status_code == 303
    assert "written=2&skipped=0" in first.headers["location"]
    again = await client.post("/operations/rotation/approve", data={"csrf_token": CSRF, "plan": compact})
    assert "written=0&skipped=2" in again.headers["location"]
    history = ingest.placements["cam-r1"]
    assert [(p["location_id"], p["valid_until"] is None) for p in history] == [("loc-a", False), ("loc-b", False)]


async def test_a_pasted_plan_that_is_not_json_is_marked_and_kept(ingest: FakeIngest) -> None:
    page = await _client(ingest).post(
        "/operations/rotation", data={"csrf_token": CSRF}, files={"plan_text": (None, b"{oops")}
    )
    assert page.status_code == 422
    assert 'aria-invalid="true" aria-describedby="plan-error"' in page.text
    assert "{oops</textarea>" in page.text


async def test_the_screen_speaks_english_when_asked(ingest: FakeIngest) -> None:
    client = _client(ingest)
    client.cookies.set("anpr_lang", "en")
    page = await client.get("/operations/cameras/cam-r1")
    assert "Move camera" in page.text
    assert "stands there now" in page.text
    assert "Camera verplaatsen" not in page.text


async def test_a_refused_plan_step_is_listed_and_the_plan_can_be_approved_again(ingest: FakeIngest) -> None:
    client = _client(ingest)
    plan = _plan(["2026-12-07", "2026-12-08"], {"cam-r1": ["loc-b", "loc-gone"], "cam-f1": ["loc-b", "loc-a"]})
    form = {"csrf_token": CSRF, "plan": json.dumps(plan)}
    page = await client.post("/operations/rotation/approve", data=form)
    assert page.status_code == 422
    assert "cam-r1 op 08-12-2026 00:00:00: unknown location loc-gone" in page.text
    assert 'id="approve-form"' in page.text  # the plan stays on the page to approve again once fixed
    assert [p["location_id"] for p in ingest.placements["cam-r1"]] == ["loc-a", "loc-b"]
    assert [p["location_id"] for p in ingest.placements["cam-f1"]] == ["loc-b", "loc-a"]  # the other camera went on
