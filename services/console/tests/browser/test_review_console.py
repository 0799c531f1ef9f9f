"""A reviewer signs in through Keycloak's own login page in headless Chromium (Debian's, driven by
Playwright). Beside the photo she sees the RDW make, model and colour (rules) and the vehicle's earlier
candidate in this regime with her own earlier decision (notices' history); then she decides three with the
keyboard (accept, reject with a reason, correct a plate), and the decisions land in notices under her name.
Screenshots go to test-artifacts/console-review*.png; axe-core finds no serious or critical problem."""

import asyncio
import io
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from playwright.async_api import Page

from anpr_console import create_app as console_app
from anpr_contracts import CandidateRaised, PlateRecognized, ReadSource, RegimeMode
from anpr_notices import NoticesSettings
from anpr_notices import create_app as notices_app
from anpr_rules import RulesSettings
from anpr_rules import create_app as rules_app

from .support import (
    CONSOLE_PORT,
    CONSOLE_URL,
    ROOT,
    browser_context,
    check_accessibility,
    console_settings,
    free_port,
    import_registry,
    publish_candidates,
    require_identity_provider,
    screenshot,
    serving,
    sign_in,
)

FRAME = ROOT / "deploy" / "demo" / "frames" / "c12_2.jpg"
BOX = (354, 239, 487, 278)  # labels.csv
DEMO_RDW = ROOT / "deploy" / "demo" / "rdw"
# RDW's open-data columns (the base file with eerste_kleur, the fuel file): only this test's plates.
BASE = (
    "kenteken,voertuigsoort,merk,handelsbenaming,europese_voertuigcategorie,inrichting,datum_eerste_toelating,"
    "toegestane_maximum_massa_voertuig,massa_rijklaar,eerste_kleur\n"
    "63HKHD,Personenauto,SEAT,AROSA,M1,hatchback,20030514,1040,860,ZWART\n"  # as in the photo
    "01XJND,Personenauto,OPEL,ASTRA,M1,stationwagen,20010920,1850,1320,ZWART\n"
    "XSNB28,Personenauto,RENAULT,CLIO,M1,hatchback,20040302,1525,1040,ROOD\n"
)
FUEL = (
    "kenteken,brandstof_volgnummer,brandstof_omschrijving,emissiecode_omschrijving,uitlaatemissieniveau\n"
    "63HKHD,1,Diesel,3,EURO 3\n01XJND,1,Diesel,3,EURO 3\nXSNB28,1,Diesel,3,EURO 3\n"
)


@dataclass(frozen=True)
class Stack:
    notices_url: str
    notices: NoticesSettings


@pytest.fixture
async def stack(isolated: Callable[..., Any], tmp_path: Path) -> AsyncIterator[Stack]:
    issuer = require_identity_provider()  # `isolated` has read the run dir's env by now
    notices: NoticesSettings = isolated(NoticesSettings, oidc_issuer=issuer)
    rules: RulesSettings = isolated(RulesSettings, oidc_issuer=issuer)
    (tmp_path / "voertuigen.csv").write_text(BASE)
    (tmp_path / "brandstof.csv").write_text(FUEL)
    notices_port, rules_port = free_port(), free_port()
    console = console_settings(isolated, issuer, notices=notices_port, rules=rules_port)
    try:
        await import_registry(rules.database_url, tmp_path / "voertuigen.csv", tmp_path / "brandstof.csv")
        apps = (
            (notices_app(notices), notices_port),
            (rules_app(rules), rules_port),
            (console_app(console), CONSOLE_PORT),
        )
        async with serving(*apps):
            yield Stack(f"http://127.0.0.1:{notices_port}", notices)
    finally:  # the registry as every other test and the demo expect it
        special, body = (
            [DEMO_RDW / "bijzonderheden.csv"],
            [DEMO_RDW / "carrosserie.csv", DEMO_RDW / "carrosserie_specifiek.csv"],
        )
        await import_registry(
            rules.database_url, DEMO_RDW / "voertuigen.csv", DEMO_RDW / "brandstof.csv", special, body
        )


def _candidate(regime: str, plate: str, minutes: int) -> CandidateRaised:
    overview = FRAME.read_bytes()
    with Image.open(io.BytesIO(overview)) as image:
        crop = io.BytesIO()
        image.crop(BOX).save(crop, format="JPEG")
    read = PlateRecognized(
        source=ReadSource.CAMERA,
        camera_id="cam-console",
        location_id="loc-centrum-zuid",
        observed_at=datetime.now(UTC) - timedelta(minutes=minutes),
        plate=plate,
        formatted=f"{plate[:2]}-{plate[2:4]}-{plate[4:]}",
        country="NL",
        confidence=0.97,
        box=BOX,
        plate_jpeg=crop.getvalue(),
        overview_jpeg=overview,
    )
    return CandidateRaised(
        candidate_key=f"{regime}:{read.read_id}",
        read=read,
        regime_id=regime,
        regime_version="2026.2",
        mode=RegimeMode.ENFORCE,
        legal_reference="RVV 1990 art. 86t, bord C22a",
        fine_eur=120,
        explanation=("Milieuzone centrum at loc-centrum-zuid", "emission class 3 below 4"),
        vehicle={"voertuigsoort": "Personenauto", "brandstof": "Diesel", "emissieklasse": 3},
    )


async def _text(page: Page, selector: str) -> str:
    return " ".join((await page.text_content(selector) or "").split())


async def _plate_is(page: Page, formatted: str) -> None:
    await page.wait_for_function(f"document.getElementById('plate').textContent.trim() === '{formatted}'")


async def test_reviewer_sees_vehicle_and_history_and_decides_three_with_the_keyboard(stack: Stack) -> None:
    regime = f"console-{uuid.uuid4().hex[:8]}"  # the filter shows only this test's candidates
    earlier = _candidate(regime, "63HKHD", 40)  # the same car in the same regime, earlier: its history
    events = [earlier, _candidate(regime, "63HKHD", 30), _candidate(regime, "01XJND", 20)]
    await publish_candidates(stack.notices, [*events, _candidate(regime, "XSNB28", 10)], key=b"console")
    queue = f"/review?regime={regime}"

    async with browser_context() as context:
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await sign_in(page, "REVIEWER", queue)
        for _ in range(100):  # notices consumes the four candidates
            if await page.locator(".queue li").count() == 4:
                break
            await asyncio.sleep(0.3)
            await page.goto(f"{CONSOLE_URL}{queue}")
        assert await page.locator(".queue li").count() == 4
        assert "Renske de Vries" in await _text(page, ".who")
        assert await page.locator("nav.screens a[href='/review']").count() == 1
        assert await _text(page, "#plate") == "63-HK-HD"  # the oldest first: the earlier one
        assert await _text(page, "#history") == "Geen eerdere kandidaten."
        await page.keyboard.press("r")
        await page.keyboard.press("2")  # reject: exempt (say, a permit the desk entered late)

        # The same car half an hour later: RDW's description beside the photo, and her earlier decision.
        await page.wait_for_selector("table#history")
        await _plate_is(page, "63-HK-HD")
        await page.wait_for_function("document.getElementById('overview').naturalWidth > 0")
        vehicle = await _text(page, "#vehicle")
        assert all(word in vehicle for word in ("SEAT", "AROSA", "Zwart")), vehicle
        history = await _text(page, "table#history tbody")
        assert await page.locator("table#history tbody tr").count() == 1
        assert "afgewezen (vrijgesteld)" in history
        assert "Renske de Vries" in history
        assert "loc-centrum-zuid" in history
        await screenshot(page, "console-review")
        await check_accessibility(page)

        # A second tab on the same candidate: its decision, sent after the first, must not count twice.
        other = await context.new_page()
        await other.goto(page.url)
        await page.keyboard.press("a")  # accept 63HKHD; the next oldest comes up
        await _plate_is(page, "01-XJ-ND")
        assert "OPEL" in await _text(page, "#vehicle")
        assert await _text(page, "#history") == "Geen eerdere kandidaten."  # another car
        await other.click("#accept-form button")
        await other.wait_for_selector("#message:not(:empty)")
        assert "al besloten" in await _text(other, "#message")
        await other.close()
        await page.keyboard.press("r")
        await page.keyboard.press("1")  # reject 01XJND: misread
        await _plate_is(page, "XS-NB-28")
        await page.keyboard.press("c")
        await page.keyboard.type("XS-NB-23")
        await page.keyboard.press("Enter")  # a misread: corrected, re-judged by rules
        await page.wait_for_selector("#message:not(:empty)")
        assert "opnieuw beoordeeld" in await _text(page, "#message")  # the status in words, not its code
        await screenshot(page, "console-review-done")
        assert await page.locator(".queue li").count() == 0

        await page.click("form.logout button")  # ends the Keycloak session too, then back here
        await page.wait_for_url(f"{CONSOLE_URL}/logged-out")
        await page.goto(f"{CONSOLE_URL}/review")
        await page.wait_for_selector("#username")  # signed out at Keycloak as well: its login page again
    assert errors == []

    # The test's own look at what was stored: a read of candidates says why (X-Purpose).
    admin = {"Authorization": f"Bearer {stack.notices.admin_token.get_secret_value()}", "X-Purpose": "administration"}
    async with httpx.AsyncClient(base_url=stack.notices_url, headers=admin) as client:
        found = (await client.get("/v1/candidates", params={"regime": regime, "limit": 10})).json()
    statuses = sorted((c["plate"], c["status"]) for c in found)
    assert len(found) == 4
    assert ("63HKHD", "rejected") in statuses  # the earlier one
    assert any(s in (("63HKHD", "notice_issued"), ("63HKHD", "awaiting_second_review")) for s in statuses)
    assert ("01XJND", "rejected") in statuses
    # Rules (running here) re-judges the corrected read; XSNB23 is not in this test's registry.
    assert ("XSNB28", "reevaluating") in statuses or ("XSNB28", "corrected_no_violation") in statuses
    decisions = [d for c in found for d in c["decisions"]]
    assert len(decisions) == 4  # the second tab's accept was refused, not recorded
    assert {d["by_name"] for d in decisions} == {"Renske de Vries"}
    [first] = [c for c in found if c["candidate_key"] == earlier.candidate_key]
    assert [(d["decision"], d["reason"]) for d in first["decisions"]] == [("reject", "exempt")]
