"""A supervisor's day in headless Chromium, signed in through Keycloak's own login page: the reviewer
Renske de Vries has decided candidates (through notices' API with her own token from Keycloak); the
supervisor sees the statistics with charts, creates an export batch and downloads it, finds Renske's
decisions in the audit trail under her name, opens a warning letter and runs the monthly reminders for a
warned vehicle that came back. Every page: a screenshot in test-artifacts/console-supervisor-*.png and
axe-core without serious or critical violations."""

import asyncio
import csv
import io
import os
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from anpr_console import create_app as console_app
from anpr_contracts import CandidateRaised, PlateRecognized, ReadSource, RegimeMode
from anpr_notices import NoticesSettings
from anpr_notices import create_app as notices_app

from .support import (
    CONSOLE_PORT,
    CONSOLE_URL,
    browser_context,
    console_settings,
    demo_person,
    free_port,
    page_check,
    publish_candidates,
    require_identity_provider,
    screenshot,
    serving,
    sign_in,
)

REVIEWER_NAME = "Renske de Vries"  # the realm's demo reviewer


def _candidate(regime: str, plate: str, mode: RegimeMode) -> CandidateRaised:
    read = PlateRecognized(
        source=ReadSource.CAMERA,
        camera_id="cam-supervisor",
        location_id="loc-centrum-zuid",
        observed_at=datetime.now(UTC),
        plate=plate,
        country="NL",
        confidence=0.97,
        box=(10, 20, 110, 50),
        plate_jpeg=b"\xff\xd8plate",
        overview_jpeg=b"\xff\xd8overview",
    )
    return CandidateRaised(
        candidate_key=f"{regime}:{read.read_id}",
        read=read,
        regime_id=regime,
        regime_version="2026.2",
        mode=mode,
        legal_reference="RVV 1990 art. 86t, bord C22a",
        fine_eur=120 if mode is RegimeMode.ENFORCE else None,
        explanation=("Milieuzone centrum", "emission class 3 below 4"),
        vehicle={"voertuigsoort": "Personenauto", "brandstof": "Diesel", "emissieklasse": 3},
    )


async def _reviewer_token(issuer: str) -> str:
    """Renske's own access token, by the test client's direct grant (the console's is code flow only)."""
    user, password = demo_person("REVIEWER")
    form = {
        "grant_type": "password",
        "client_id": os.environ.get("ANPR_OIDC_TEST_CLIENT_ID", "anpr-tests"),
        "username": user,
        "password": password,
        "scope": "openid",
    }
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{issuer}/protocol/openid-connect/token", data=form)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def _arrived(client: httpx.AsyncClient, regime: str, count: int) -> dict[str, str]:
    """plate -> candidate id of this regime's candidates, once notices has consumed `count` of them."""
    for _ in range(150):
        found = (await client.get("/v1/candidates", params={"regime": regime, "order": "newest"})).json()
        if len(found) >= count:
            return {c["plate"]: c["id"] for c in reversed(found)}  # the newest wins for a plate seen twice
        await asyncio.sleep(0.2)
    raise AssertionError(f"notices did not store {count} candidates of {regime}")


_page_check = page_check("console-supervisor")


async def test_supervisor_exports_and_finds_the_reviewers_decisions_under_her_name(
    isolated: Callable[..., Any],
) -> None:
    issuer = require_identity_provider()
    notices_port = free_port()
    notices: NoticesSettings = isolated(NoticesSettings, oidc_issuer=issuer)
    console = console_settings(isolated, issuer, notices=notices_port)
    regime = f"sup-{uuid.uuid4().hex[:8]}"
    suffix = uuid.uuid4().hex[:3].upper()  # plates of this run only: reminders match by vehicle
    notice, rejected, warned = f"11AA{suffix}", f"22BB{suffix}", f"33CC{suffix}"
    errors: list[str] = []

    async with serving((notices_app(notices), notices_port), (console_app(console), CONSOLE_PORT)):
        renske = {"Authorization": f"Bearer {await _reviewer_token(issuer)}", "X-Purpose": "review"}
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{notices_port}", headers=renske) as api:
            await publish_candidates(
                notices,
                [
                    _candidate(regime, notice, RegimeMode.ENFORCE),
                    _candidate(regime, rejected, RegimeMode.ENFORCE),
                    _candidate(regime, warned, RegimeMode.WARN),
                ],
                key=b"supervisor",
            )
            ids = await _arrived(api, regime, 3)
            for plate, body in (
                (notice, {"decision": "accept"}),
                (rejected, {"decision": "reject", "reason": "emergency_vehicle"}),
                (warned, {"decision": "accept"}),
            ):
                decided = await api.post(f"/v1/candidates/{ids[plate]}/decision", json=body)
                assert decided.status_code == 200, decided.text
            # The warned vehicle comes back in the warning phase: next month's letter is a reminder.
            await publish_candidates(notices, [_candidate(regime, warned, RegimeMode.WARN)], key=b"supervisor")
            seen_again = (await _arrived(api, regime, 4))[warned]

        async with browser_context() as context:
            page = await context.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            await sign_in(page, "SUPERVISOR", "/supervisor")

            # Statistics: tables are the content, the charts are drawn from them.
            await page.wait_for_selector("#regimes-table")
            assert regime in (await page.text_content("#regimes-table") or "")
            assert REVIEWER_NAME in (await page.text_content("#reviewers-table") or "")
            await page.wait_for_function("document.querySelectorAll('.chart-box:not([hidden]) canvas').length >= 4")
            await _page_check(page, "stats")

            # Export: confirm, created once, download the CSV.
            await page.click("nav.subnav a[href='/supervisor/exports']")
            await _page_check(page, "exports-before")
            await page.click("a[href='/supervisor/exports/new']")
            await page.wait_for_selector("form.confirm")
            await _page_check(page, "export-confirm")
            sent = {
                name: await page.get_attribute(f"form.confirm input[name={name}]", "value") or ""
                for name in ("csrf_token", "newest")
            }
            await page.click("form.confirm button")
            await page.wait_for_selector("#batches tr.current")
            assert "gemaakt" in (await page.text_content("#message") or "")
            await _page_check(page, "exports")
            async with page.expect_download() as waiting:
                await page.click("#batches tr.current a[href$='/download/csv']")
            download = await waiting.value
            text = await asyncio.to_thread(Path(str(await download.path())).read_text, encoding="utf-8")
            rows = list(csv.DictReader(io.StringIO(text)))
            exported = {r["plate"]: r for r in rows}
            assert {notice, warned} <= set(exported)
            assert rejected not in exported
            assert exported[notice]["officer_names"] == REVIEWER_NAME
            # The same confirmation sent again (a double click, a resent form): no second batch.
            batches = await page.locator("#batches tbody tr").count()
            again = await page.request.post(f"{CONSOLE_URL}/supervisor/exports", form=sent)
            assert "al gemaakt" in await again.text()
            await page.reload()
            assert await page.locator("#batches tbody tr").count() == batches

            # The audit trail: Renske's decisions under her name.
            await page.click("nav.subnav a[href='/supervisor/audit']")
            await page.fill("#subject", ids[notice])
            await page.click("form.filters button[type=submit]")
            await page.wait_for_selector("#audit")
            trail = await page.text_content("#audit") or ""
            assert REVIEWER_NAME in trail
            assert "geaccepteerd" in trail
            await page.locator("#audit a.who-link", has_text=REVIEWER_NAME).first.click()
            await page.wait_for_selector("#audit")
            assert "afgewezen" in (await page.text_content("#audit") or "")  # her other decision, by her subject
            await _page_check(page, "audit")
            await page.goto(f"{CONSOLE_URL}/supervisor/audit?since=gisteren")
            assert await page.get_attribute("#since", "aria-invalid") == "true"
            await _page_check(page, "audit-bad-input")

            # Warning letters.
            await page.goto(f"{CONSOLE_URL}/supervisor/letters")
            await page.wait_for_selector("#letters")
            assert warned in (await page.text_content("#letters") or "")
            await _page_check(page, "letters")
            await page.click(f"a[href='/supervisor/letters/{ids[warned]}']")
            await page.wait_for_selector("text=Waarschuwing")
            await screenshot(page, "console-supervisor-letter")

            # The monthly reminder run, twice: the same one reminder.
            month = datetime.now(UTC).strftime("%Y-%m")
            for _ in range(2):
                await page.goto(f"{CONSOLE_URL}/supervisor/reminders")
                await page.fill("#month", month)
                await page.click("#run-form button")
                await page.wait_for_selector("#reminders")
            assert await page.locator("#reminders tbody tr", has_text=warned).count() == 1
            assert await page.locator(f"#reminders a[href='/supervisor/letters/{ids[warned]}']").count() == 1
            assert seen_again != ids[warned]
            await _page_check(page, "reminders")

            # English is there too.
            await page.click("a[hreflang=en]")
            await page.wait_for_selector("text=Monthly reminders")
            await _page_check(page, "reminders-en")
    assert errors == []
