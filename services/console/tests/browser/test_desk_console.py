"""The permit desk's application queue in headless Chromium, end to end against the real exemptions
service, PostgreSQL, both Keycloak realms and the local SMTP server: a resident signs in at /loket and
applies for a disabled-person exemption with a PDF; the permit-desk person signs in to the console, finds
it in the queue, downloads the PDF through the console and grants it; the resident gets the e-mail (a .eml
with the number and status) and sees the permit under "my permits". And a refusal: script in the reason is
refused at the field, the fee marked paid, a question asked, then the refusal's reason the applicant
reads on her application. Every desk page: a screenshot (docs/screenshots/desk-*.png) and axe-core with
no serious or critical violation."""

import asyncio
import os
import re
import time
import uuid
from collections.abc import AsyncIterator, Callable
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import BrowserContext, Page

from anpr_console import ConsoleSettings
from anpr_console import create_app as console_app
from anpr_exemptions import ExemptionsSettings
from anpr_exemptions import create_app as exemptions_app
from anpr_rules import SPEC as RULES_SPEC
from anpr_runtime.db import run_migrations

from .support import (
    CONSOLE_PORT,
    CONSOLE_URL,
    ROOT,
    browser_context,
    check_accessibility,
    console_settings,
    free_port,
    local_url,
    port_taken,
    serving,
    sign_in,
    until_ready,
)
from .test_loket_console import PDF, a_dutch_plate, applicant_token, register
from .test_loket_console import sign_in as applicant_sign_in

SCREENSHOTS = ROOT / "docs" / "screenshots"
NUMBER = re.compile(r"A-\d{4}-[0-9A-Z]+")


async def _look(page: Page, name: str) -> None:
    """A screenshot for the docs (docs/screenshots/desk-<name>.png) and axe-core on the page as it is."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"desk-{name}.png"), full_page=True)
    await check_accessibility(page)


@pytest.fixture
async def stack(isolated: Callable[..., Any]) -> AsyncIterator[dict[str, Any]]:
    issuer, public = os.environ.get("ANPR_OIDC_ISSUER", ""), os.environ.get("ANPR_PUBLIC_OIDC_ISSUER", "")
    if not (issuer and public):
        pytest.skip("ANPR_OIDC_ISSUER / ANPR_PUBLIC_OIDC_ISSUER not set: start Keycloak (deploy/local/infra.sh up)")
    if not os.environ.get("ANPR_SMTP_HOST"):
        pytest.skip("ANPR_SMTP_HOST is not set: start the smtp component (deploy/local/infra.sh up)")
    if port_taken(CONSOLE_PORT):
        pytest.skip(f"port {CONSOLE_PORT} is taken (a running console?): the realm redirects only there")
    exemptions: ExemptionsSettings = isolated(
        ExemptionsSettings,
        oidc_issuer=issuer,
        public_oidc_issuer=public,
        municipality=f"dtest-{uuid.uuid4().hex[:8]}",
        smtp_host=os.environ["ANPR_SMTP_HOST"],
        smtp_port=int(os.environ["ANPR_SMTP_PORT"]),
        smtp_tls=os.environ.get("ANPR_SMTP_TLS", "none"),
        outbox_interval_seconds=0.5,  # the status mail leaves within a second of the decision
        purge_interval_seconds=0,
        counter={"applications_per_hour": 10_000},
    )
    await run_migrations(exemptions.database_url, RULES_SPEC.migrations_dir, RULES_SPEC.schema)  # the registry
    port = free_port()
    staff = console_settings(isolated, issuer, exemptions=port)
    # Both sign-ins on one console: the staff realm's (from the helper) and the applicants' realm.
    console: ConsoleSettings = ConsoleSettings.model_validate(
        {
            **staff.model_dump(),
            "client_secret": os.environ["ANPR_OIDC_CONSOLE_CLIENT_SECRET"],
            "public_oidc_issuer": public,
            "public_client_id": os.environ.get("ANPR_PUBLIC_OIDC_CONSOLE_CLIENT_ID", "anpr-loket"),
            "public_client_secret": os.environ["ANPR_PUBLIC_OIDC_CONSOLE_CLIENT_SECRET"],
        }
    )
    async with serving((exemptions_app(exemptions), port), (console_app(console), CONSOLE_PORT)):
        await until_ready(local_url(port))
        yield {"database_url": exemptions.database_url, "exemptions": local_url(port)}


def mail_dir() -> Path:
    return Path(os.environ.get("ANPR_MAIL_DIR") or Path(os.environ["ANPR_RUN_DIR"]) / "mail")


async def mail_about(number: str, status: str, seconds: float = 30) -> str:
    """The subject of the status mail for `number` in the SMTP server's mail directory; fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for path in mail_dir().glob("*.eml"):
            raw = path.read_bytes()
            if number.encode() in raw and status.encode() in raw:
                return str(message_from_bytes(raw, policy=policy.default)["Subject"])
        await asyncio.sleep(0.3)
    pytest.fail(f"no mail for {number} with status {status} in {mail_dir()} within {seconds}s")


async def desk_page(context: BrowserContext) -> Page:
    """The desk person in a browser context of their own (no cookie shared with the applicant)."""
    browser = context.browser
    assert browser is not None
    own = await browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True, locale="nl-NL")
    return await own.new_page()


async def test_a_resident_applies_the_desk_grants_and_the_resident_gets_the_mail_and_the_permit(
    stack: dict[str, Any], tmp_path: Path
) -> None:
    car = await register(stack["database_url"], a_dutch_plate(), "M1", ["Diesel"], 4)
    proof = tmp_path / "gehandicaptenparkeerkaart.pdf"
    proof.write_bytes(PDF)
    async with browser_context() as context:
        resident = await context.new_page()
        await applicant_sign_in(resident, "RESIDENT")
        await resident.click("text=Aanvragen: Ontheffing voor mensen met een beperking")
        await resident.fill("#f-plate", car)
        await resident.fill("#f-details", "Ik heb een gehandicaptenparkeerkaart en rijd in een oude diesel.")
        await resident.set_input_files("#f-document", str(proof))
        await resident.fill("#f-email", "bewoner@example.nl")
        await resident.click("button:has-text('Versturen')")
        await resident.wait_for_url(f"{CONSOLE_URL}/loket/applications/*")
        found = NUMBER.search(await resident.locator("h1").inner_text())
        assert found is not None
        number = found.group(0)

        desk = await desk_page(context)
        await sign_in(desk, "PERMIT_DESK", "/applications")
        assert await desk.locator("nav.screens a[aria-current=page]").inner_text() == "Aanvragen"
        await desk.select_option("#f-kind", "disabled")
        await desk.click("button:has-text('Tonen')")
        assert number in await desk.locator("#queue").inner_text()
        await _look(desk, "queue")
        await desk.click(f"text={number}")
        await desk.wait_for_url(f"{CONSOLE_URL}/applications/*")
        assert car in await desk.locator("#application").inner_text()
        assert "bsn:" in await desk.locator("#applicant").inner_text()
        assert "gehandicaptenparkeerkaart" in await desk.locator("#details").inner_text()
        assert await desk.locator("#registered").inner_text() == "ja"
        assert "Personenauto" in await desk.locator("#checks").inner_text()
        await _look(desk, "application")
        link = desk.locator("#documents a")
        assert (await link.get_attribute("href") or "").startswith("/applications/"), "through the console"
        async with desk.expect_download() as started:
            await link.click()
        download = await started.value
        saved = tmp_path / "downloaded"
        await download.save_as(saved)
        assert saved.read_bytes() == PDF

        await desk.fill("#f-grant-zones", "centrum")
        await desk.click("#grant")
        await desk.wait_for_url("**/applications/*?done=granted")
        assert "De ontheffing is verleend" in await desk.locator("#message").inner_text()
        assert await desk.locator("#status").inner_text() == "Verleend"
        steps = desk.locator("#history tbody tr")
        assert await steps.count() == 2
        assert await steps.nth(1).locator("th").inner_text() not in ("", "—"), "the step names the desk person"
        await _look(desk, "granted")
        await desk.click("#permit")  # the permit the grant made, on the permits screen
        assert car in await desk.locator("#permit").inner_text()
        assert "centrum" in await desk.locator("#permit").inner_text()

        subject = await mail_about(number, "verleend")
        assert subject == f"Aanvraag {number}: verleend"
        await resident.click("text=Mijn ontheffingen")
        assert car in await resident.locator("#permits").inner_text()
        assert "Ontheffing voor mensen met een beperking" in await resident.locator("#permits").inner_text()
        await _look(resident, "resident-permit")


async def test_the_desk_refuses_with_a_reason_the_applicant_reads(stack: dict[str, Any]) -> None:
    car = await register(stack["database_url"], a_dutch_plate(), "M1", ["Benzine"], 5)
    async with httpx.AsyncClient(base_url=stack["exemptions"], timeout=30) as api:
        made = await api.post(
            "/v1/applications",
            json={"kind": "resident", "plate": car, "email": "r@example.nl", "details": "ik woon in de zone"},
            headers={"Authorization": f"Bearer {applicant_token('RESIDENT_2')}"},
        )
    assert made.status_code == 201, made.text
    application_id, number = made.json()["application_id"], made.json()["number"]
    reason = "Uw adres ligt buiten de milieuzone; een bewonersontheffing is daar niet nodig."
    async with browser_context() as context:
        desk = await desk_page(context)
        await sign_in(desk, "PERMIT_DESK", f"/applications/{application_id}")
        await desk.fill("#f-refuse-reason", "<script>alert('x')</script>")
        await desk.click("#refuse")
        assert "alleen gewone tekst" in await desk.locator("#refuse-reason-error").inner_text()
        assert await desk.locator("#f-refuse-reason").get_attribute("aria-invalid") == "true"
        assert await desk.locator("#f-refuse-reason").input_value() == "<script>alert('x')</script>"
        await _look(desk, "refuse-script")
        await desk.fill("#f-grant-valid_from", "2026-03-10")
        await desk.fill("#f-grant-valid_until", "2026-03-01")  # ends before it starts: at its field
        await desk.click("#grant")
        assert "voor de begindatum" in await desk.locator("#grant-valid_until-error").inner_text()
        await _look(desk, "grant-bad-date")

        await desk.click("#mark-paid")  # the fee arrived with its payment reference
        await desk.wait_for_url("**/applications/*?done=paid")
        assert "betaald" in await desk.locator("#paid").inner_text()
        assert await desk.locator("#mark-paid").count() == 0
        await desk.fill("#f-ask-question", "Op welk adres woont u precies?")
        await desk.click("#ask")
        await desk.wait_for_url("**/applications/*?done=asked")
        assert await desk.locator("#status").inner_text() == "Informatie gevraagd"
        assert await desk.locator("#grant").count() == 0, "a grant waits for the applicant's answer"
        await _look(desk, "asked")
        assert await mail_about(number, "aanvulling nodig") == f"Aanvraag {number}: aanvulling nodig"

        await desk.fill("#f-refuse-reason", reason)
        await desk.click("#refuse")
        await desk.wait_for_url("**/applications/*?done=refused")
        assert await desk.locator("#status").inner_text() == "Geweigerd"
        assert await desk.locator("#reason").inner_text() == reason
        await _look(desk, "refused")
        assert await mail_about(number, "afgewezen") == f"Aanvraag {number}: afgewezen"

        resident = await context.new_page()
        await applicant_sign_in(resident, "RESIDENT_2", f"/loket/applications/{application_id}")
        assert await resident.locator("#status").inner_text() == "Geweigerd"
        assert await resident.locator("#reason").inner_text() == reason
        await _look(resident, "resident-refused")
