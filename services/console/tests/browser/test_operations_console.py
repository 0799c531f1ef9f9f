"""The operator signs in through Keycloak's own login page and works the operations screen in headless
Chromium: the cameras list with health, a rotating camera's page, MOVES it to another location through
the form (ingest's placement history then shows the move), the locations list, the location form with a
bad value (field marked, typed value kept), and a rotation plan uploaded and approved twice (placements
written once). Every page: a screenshot in test-artifacts/console-operations-*.png and axe-core."""

import json
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.async_api import Page

from anpr_console import create_app as console_app
from anpr_ingest import IngestSettings
from anpr_ingest import create_app as ingest_app

from .support import (
    CONSOLE_PORT,
    CONSOLE_URL,
    browser_context,
    console_settings,
    free_port,
    page_check,
    require_identity_provider,
    serving,
    sign_in,
)

LOCAL = ZoneInfo("Europe/Amsterdam")
FRAME = Path(__file__).resolve().parents[4] / "deploy" / "demo" / "frames" / "c12_2.jpg"
ADMIN = {"Authorization": "Bearer test-admin-token"}  # the `isolated` settings' admin token


@dataclass(frozen=True)
class Site:
    ingest_url: str
    rotating: str
    fixed: str
    here: str  # where the rotating camera stands at the start
    there: str  # where the operator moves it

    async def history(self, camera: str) -> list[dict[str, Any]]:
        # Async: ingest is served in this test's event loop, a blocking call would wait for itself.
        async with httpx.AsyncClient(headers=ADMIN) as client:
            found = await client.get(f"{self.ingest_url}/v1/cameras/{camera}/placements")
        found.raise_for_status()
        placements: list[dict[str, Any]] = found.json()
        return placements


async def _seed(ingest_url: str, tag: str) -> Site:
    """Cameras and locations of this run (new ids: the database may hold earlier runs'), as an admin would."""
    site = Site(ingest_url, f"cam-rot-{tag}", f"cam-fix-{tag}", f"loc-markt-{tag}", f"loc-haven-{tag}")
    async with httpx.AsyncClient(base_url=ingest_url, headers=ADMIN) as client:
        for body in (
            {"camera_id": site.rotating, "kind": "rotating", "description": "Verplaatsbare camera op aanhanger"},
            {"camera_id": site.fixed, "kind": "fixed", "description": "Mast bij de brug"},
        ):
            (await client.post("/v1/cameras", json=body)).raise_for_status()
        for location_id, name, extra in (
            (site.here, "Markt", {"zone_id": "centrum", "direction": "entry", "sign": "C22a"}),
            (site.there, "Havenkade", {"sign": "C7"}),
        ):
            body = {"location_id": location_id, "name": name, "regimes": ["milieuzone-2025"], **extra}
            (await client.post("/v1/locations", json={**body, "consent_reference": f"OM-{tag}"})).raise_for_status()
        since = (datetime.now(LOCAL) - timedelta(days=2)).isoformat()
        for camera, where in ((site.rotating, site.here), (site.fixed, site.there)):
            placed = await client.post(
                f"/v1/cameras/{camera}/placements", json={"location_id": where, "valid_from": since}
            )
            placed.raise_for_status()
        # The fixed camera sends: one frame with its clock ten minutes ahead (refused), then a good one, so
        # the list shows a healthy camera with a refusal beside the rotating one that never sent anything.
        for ahead in (timedelta(minutes=10), timedelta(seconds=-2)):
            headers = {
                "Content-Type": "image/jpeg",
                "X-Camera-Id": site.fixed,
                "X-Captured-At": (datetime.now(LOCAL) + ahead).isoformat(),
            }
            await client.post("/v1/frames", content=FRAME.read_bytes(), headers=headers)
    return site


@pytest.fixture
async def site(isolated: Callable[..., Any]) -> AsyncIterator[Site]:
    issuer = require_identity_provider()
    ingest: IngestSettings = isolated(IngestSettings, oidc_issuer=issuer)
    ingest_port = free_port()
    console = console_settings(isolated, issuer, ingest=ingest_port)
    async with serving((ingest_app(ingest), ingest_port), (console_app(console), CONSOLE_PORT)):
        yield await _seed(f"http://127.0.0.1:{ingest_port}", uuid.uuid4().hex[:6])


async def _submit(page: Page, form: str) -> None:
    """Submit a form as a person does and wait for the page that answers it (a redirect or the form again)."""
    async with page.expect_navigation():
        await page.click(f"{form} button[type=submit]")


_looked_at = page_check("console-operations")


async def test_an_operator_moves_a_rotating_camera_and_approves_a_rotation_plan(site: Site, tmp_path: Path) -> None:
    async with browser_context() as context:
        page = await context.new_page()
        await sign_in(page, "OPERATOR", "/operations")
        await page.wait_for_selector("#cameras")
        assert "Nog nooit een beeld" in await page.inner_text(f"#cameras tr:has-text('{site.rotating}')")
        fixed = await page.inner_text(f"#cameras tr:has-text('{site.fixed}')")
        assert "In orde" in fixed
        assert "klok vooruit 1" in fixed
        await _looked_at(page, "cameras")

        await page.click(f"#cameras a:text-is('{site.rotating}')")
        await page.wait_for_selector("#timeline")
        await _looked_at(page, "camera")

        # Move it from tomorrow 08:00 on, through the form (no JavaScript involved).
        tomorrow = datetime.combine(date.today() + timedelta(days=1), time(8, 0), LOCAL)
        await page.select_option("#location_id", site.there)
        await page.fill("#valid_from", tomorrow.strftime("%Y-%m-%dT%H:%M"))
        await _submit(page, "#move-form")
        refused = await page.locator(".field-error, .notice.error").all_inner_texts()
        assert "done=moved" in page.url, f"the move was not saved: {refused}"
        assert "verplaatst" in await page.inner_text("#message")
        history = await site.history(site.rotating)
        assert [p["location_id"] for p in history] == [site.here, site.there]
        assert datetime.fromisoformat(history[0]["valid_until"]) == tomorrow
        assert history[1]["valid_until"] is None
        assert datetime.fromisoformat(history[1]["valid_from"]) == tomorrow
        await _looked_at(page, "camera-moved")

        # A move before the current placement began: ingest's 409 on the moment field, the choice kept.
        await page.select_option("#location_id", site.here)
        await page.fill("#valid_from", (tomorrow - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
        await page.click("#move-form button[type=submit]")
        await page.wait_for_selector("#valid_from[aria-invalid=true]")
        assert await page.input_value("#location_id") == site.here
        assert len(await site.history(site.rotating)) == 2
        await _looked_at(page, "camera-refused")

        await page.goto(f"{CONSOLE_URL}/operations/locations")
        await page.wait_for_selector("#locations")
        assert "milieuzone-2025" in await page.inner_text(f"#locations tr:has-text('{site.here}')")
        await _looked_at(page, "locations")

        await page.click("a:text-is('Nieuwe locatie')")
        await page.fill("#location_id", f"loc-kade-{site.rotating[-6:]}")
        await page.fill("#name", "Kade Noord")
        await page.fill("#regimes", "milieuzone-2025")
        await page.fill("#sign", "stopbord")
        await page.click("#location-form button[type=submit]")
        await page.wait_for_selector("#sign[aria-invalid=true]")
        assert await page.input_value("#sign") == "stopbord"
        assert await page.input_value("#name") == "Kade Noord"
        assert await page.get_attribute("#sign", "aria-describedby") == "sign-hint sign-error"
        await _looked_at(page, "location-form-error")

        await _rotation(page, site, tmp_path)


async def _rotation(page: Page, site: Site, tmp_path: Path) -> None:
    """The plan `anpr plan-rotation` writes, for the rotating camera, starting ten days from now."""
    first = date.today() + timedelta(days=10)
    days = [first + timedelta(days=n) for n in range(5)]
    spots = [site.here, site.here, site.there, site.there, None]
    plan = {
        "status": "optimal",
        "expected_detections": 41.5,
        "round_robin_expected_detections": 30.2,
        "days": [d.isoformat() for d in days],
        "cameras": {site.rotating: spots},
        "coverage": {},
    }
    path = tmp_path / f"plan-{first.isoformat()}.json"
    path.write_text(json.dumps(plan, indent=2))

    async def approve() -> str:
        await page.goto(f"{CONSOLE_URL}/operations/rotation")
        await page.set_input_files("#plan_file", str(path))
        await page.click("#upload-form button[type=submit]")
        await page.wait_for_selector("#plan")
        await _looked_at(page, "rotation-plan")
        await _submit(page, "#approve-form")
        refused = await page.locator("#refused-steps li").all_inner_texts()
        assert "written=" in page.url, f"the plan was not approved: {refused}"
        return await page.inner_text("#message")

    await page.goto(f"{CONSOLE_URL}/operations/rotation")
    await _looked_at(page, "rotation-upload")
    assert "3 plaatsing(en) geschreven, 0" in await approve()
    await _looked_at(page, "rotation-approved")
    written = await site.history(site.rotating)
    assert [p["location_id"] for p in written] == [site.here, site.there, site.here, site.there]
    assert written[-1]["valid_until"] is not None  # off on the last day: taken down
    assert "0 plaatsing(en) geschreven, 3" in await approve()  # approving twice writes nothing twice
    assert (await site.history(site.rotating)) == written
