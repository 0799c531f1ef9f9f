"""The permit counter (/loket) in headless Chromium against the real exemptions service, PostgreSQL and the
applicants' Keycloak realm (anpr-public): a business signs in and buys a day permit (granted at once, the
count left drops), the thirteenth is refused with the reason, a resident applies for a disabled-person
exemption with a PDF, and another applicant's application answers 404. Every page: a screenshot
(test-artifacts/loket-*.png) and axe-core with no serious or critical violation."""

import os
import random
import string
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.async_api import Page
from sqlalchemy import text

from anpr_console import ConsoleSettings
from anpr_console import create_app as console_app
from anpr_exemptions import ExemptionsSettings
from anpr_exemptions import create_app as exemptions_app
from anpr_rules import SPEC as RULES_SPEC
from anpr_runtime.db import create_engine, run_migrations

from .support import (
    CONSOLE_PORT,
    CONSOLE_URL,
    browser_context,
    demo_person,
    free_port,
    local_url,
    page_check,
    port_taken,
    serving,
    until_ready,
)

TODAY = datetime.now(ZoneInfo("Europe/Amsterdam")).date()
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
DESK_TOKEN = "test-desk-token"
_page = page_check("loket")


def a_dutch_plate() -> str:
    """Two letters, four digits: a plate no earlier run used (the registry table outlives test runs)."""
    return "".join(random.choices("BDFGHJKLNPRSTVXZ", k=2)) + "".join(random.choices(string.digits, k=4))


async def register(
    database_url: str, plate: str, category: str, fuels: list[str], emission: int, first: date = date(2016, 3, 1)
) -> str:
    """A vehicle in rules' RDW registry table (the counter's registry), as `anpr vehicles import` leaves it."""
    engine = create_engine(database_url)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO rules.vehicles"
                    " (plate, kind, category, first_admission, fuels, emission_class, special_codes)"
                    " VALUES (:plate, :kind, :category, :first, :fuels, :emission, :codes)"
                    " ON CONFLICT (plate) DO NOTHING"
                ),
                {
                    "plate": plate,
                    "kind": "Bedrijfsauto" if category.startswith("N") else "Personenauto",
                    "category": category,
                    "first": first,
                    "fuels": fuels,
                    "codes": [],
                    "emission": emission,
                },
            )
    finally:
        await engine.dispose()
    return plate


def applicant_token(who: str) -> str:
    """An access token of a demo applicant by direct grant at the realm's test client (seeding only)."""
    user, password = demo_person(who)
    answer = httpx.post(
        f"{os.environ['ANPR_PUBLIC_OIDC_ISSUER']}/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": os.environ["ANPR_PUBLIC_OIDC_TEST_CLIENT_ID"],
            "username": user,
            "password": password,
            "scope": "openid",
        },
        timeout=30,
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def applicants_issuer() -> str:
    """The applicants' realm of the test run, or a skip when the counter cannot sign anyone in here."""
    public = os.environ.get("ANPR_PUBLIC_OIDC_ISSUER", "")
    if not public:
        pytest.skip("ANPR_PUBLIC_OIDC_ISSUER is not set: start Keycloak (deploy/local/infra.sh up) for the counter")
    if port_taken(CONSOLE_PORT):
        pytest.skip(f"port {CONSOLE_PORT} is taken (a running console?): the realm redirects only there")
    return public


def counter_console(isolated: Callable[..., Any], public: str, exemptions_port: int) -> ConsoleSettings:
    """The console serving /loket on CONSOLE_PORT (the realm's redirect URI) against exemptions on its port."""
    made: ConsoleSettings = isolated(
        ConsoleSettings,
        public_oidc_issuer=public,
        public_url=CONSOLE_URL,
        public_client_id=os.environ.get("ANPR_PUBLIC_OIDC_CONSOLE_CLIENT_ID", "anpr-loket"),
        public_client_secret=os.environ["ANPR_PUBLIC_OIDC_CONSOLE_CLIENT_SECRET"],
        exemptions_url=local_url(exemptions_port),
    )
    return made


@pytest.fixture
async def stack(isolated: Callable[..., Any]) -> AsyncIterator[dict[str, Any]]:
    public = applicants_issuer()
    exemptions: ExemptionsSettings = isolated(
        ExemptionsSettings,
        public_oidc_issuer=public,
        municipality=f"btest-{uuid.uuid4().hex[:8]}",  # a fresh yearly quota for every test
        smtp_host="",
        outbox_interval_seconds=0,
        purge_interval_seconds=0,
        counter={"applications_per_hour": 10_000},
        extra_tokens=f"desk-1:permit_desk:{DESK_TOKEN}",
    )
    await run_migrations(exemptions.database_url, RULES_SPEC.migrations_dir, RULES_SPEC.schema)
    port = free_port()
    console = counter_console(isolated, public, port)
    async with serving((exemptions_app(exemptions), port), (console_app(console), CONSOLE_PORT)):
        await until_ready(local_url(port))
        yield {"database_url": exemptions.database_url, "exemptions": local_url(port)}


async def sign_in(page: Page, who: str, path: str = "/loket") -> None:
    """From the counter's sign-in button through the applicants' Keycloak login page, back on `path`."""
    user, password = demo_person(who)
    await page.goto(f"{CONSOLE_URL}/loket/login?next={path}")
    await page.wait_for_selector("#username")
    await page.fill("#username", user)
    await page.fill("#password", password)
    await page.click("#kc-login")
    await page.wait_for_url(f"{CONSOLE_URL}{path}*")


async def test_a_business_buys_a_day_permit_and_sees_the_count_left_drop(stack: dict[str, Any]) -> None:
    van = await register(stack["database_url"], a_dutch_plate(), "N1", ["Diesel"], 5)
    day = (TODAY + timedelta(days=1)).isoformat()
    async with browser_context() as context:
        page = await context.new_page()
        await page.goto(f"{CONSOLE_URL}/loket")
        assert await page.locator("#kind-day-permit").inner_text() != ""
        assert "€ 25,00" in await page.locator("#kind-day-permit").inner_text()
        await _page(page, "start")
        await page.click("a[hreflang=en]")
        assert await page.locator("h1").inner_text() == "Permit counter"
        await _page(page, "start-en")
        await page.click("a[hreflang=nl]")

        await sign_in(page, "BUSINESS")
        assert "Ingelogd als" in await page.locator(".who").inner_text()
        await page.click("text=Voertuig controleren")
        await page.fill("#f-plate", van)
        await page.click("button:has-text('Controleren')")
        assert await page.locator("#left").inner_text() == "12"
        await _page(page, "vehicle-check")

        await page.click("text=Aanvragen: Dagontheffing zero-emissiezone")
        assert await page.locator("#f-plate").input_value() == van
        await page.fill("#f-day", day)
        await page.fill("#f-email", "planning@example.nl")
        await _page(page, "day-permit-form")
        await page.click("button:has-text('Versturen')")
        await page.wait_for_url(f"{CONSOLE_URL}/loket/applications/*")
        assert await page.locator("#status").inner_text() == "Verleend"
        assert await page.locator("#left").inner_text() == "11"
        await _page(page, "day-permit-granted")

        await page.click("text=Mijn aanvragen")
        assert van in await page.locator("#applications").inner_text()
        await _page(page, "applications")
        await page.click("text=Mijn ontheffingen")
        assert van in await page.locator("#permits").inner_text()
        assert "11" in await page.locator("dl#left").inner_text()
        await _page(page, "permits")

        await page.set_viewport_size({"width": 390, "height": 844})  # a phone
        await page.goto(f"{CONSOLE_URL}/loket/apply/day-permit")
        await _page(page, "day-permit-form-phone")
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the form must fit a phone's width without scrolling sideways"

        await page.click("button:has-text('Uitloggen')")
        await page.wait_for_url(f"{CONSOLE_URL}/loket/logged-out*")
        await page.goto(f"{CONSOLE_URL}/loket/applications")
        await page.wait_for_selector("#username")  # signed out: back to the applicants' sign-in


async def test_the_thirteenth_day_permit_is_refused_with_the_reason_and_the_form_kept(stack: dict[str, Any]) -> None:
    van = await register(stack["database_url"], a_dutch_plate(), "N1", ["Diesel"], 5)
    token = applicant_token("BUSINESS")
    async with httpx.AsyncClient(base_url=stack["exemptions"], timeout=30) as api:
        for n in range(1, 13):
            body = {"kind": "day-permit", "plate": van, "email": "planning@example.nl"}
            made = await api.post(
                "/v1/applications",
                json={**body, "day": (TODAY + timedelta(days=n)).isoformat()},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert made.status_code == 201, made.text
    async with browser_context() as context:
        page = await context.new_page()
        await sign_in(page, "BUSINESS", f"/loket/apply/day-permit?plate={van}")
        await page.fill("#f-day", (TODAY + timedelta(days=13)).isoformat())
        await page.fill("#f-email", "planning@example.nl")
        await page.click("button:has-text('Versturen')")
        refusal = await page.locator("#f-day-error").inner_text()  # next to the day, in the counter's words
        assert f"Voertuig {van} heeft al 12 van de 12 dagontheffingen van" in refusal, refusal
        assert await page.locator("#f-day").get_attribute("aria-invalid") == "true"
        assert await page.locator("#f-plate").input_value() == van
        assert await page.locator("#f-email").input_value() == "planning@example.nl"
        await _page(page, "thirteenth-refused")

        await page.fill("#f-day", (TODAY - timedelta(days=1)).isoformat())  # a day in the past: on the field
        await page.click("button:has-text('Versturen')")
        assert "is al voorbij" in await page.locator("#f-day-error").inner_text()
        assert await page.locator("#f-day").get_attribute("aria-invalid") == "true"
        await _page(page, "day-in-the-past")


async def test_a_resident_applies_for_a_disabled_persons_exemption_with_a_pdf(
    stack: dict[str, Any], tmp_path: Any
) -> None:
    car = await register(stack["database_url"], a_dutch_plate(), "M1", ["Diesel"], 4)
    proof = tmp_path / "gehandicaptenparkeerkaart.pdf"
    proof.write_bytes(PDF)
    async with browser_context() as context:
        page = await context.new_page()
        await sign_in(page, "RESIDENT")
        await page.click("text=Aanvragen: Ontheffing voor mensen met een beperking")
        await page.fill("#f-plate", car)
        await page.fill("#f-details", "Ik heb een gehandicaptenparkeerkaart en rijd in een oude diesel.")
        await page.set_input_files("#f-document", str(proof))
        await page.fill("#f-email", "bewoner@example.nl")
        await _page(page, "disabled-form")
        await page.click("button:has-text('Versturen')")
        await page.wait_for_url(f"{CONSOLE_URL}/loket/applications/*")
        assert await page.locator("#status").inner_text() == "Ingediend"
        assert "application/pdf" in await page.locator("#documents").inner_text()
        await _page(page, "disabled-submitted")

        # The desk asks for more (its own API call here; the desk's queue screen is another slice).
        application_id = page.url.split("/loket/applications/")[1].split("?")[0]
        async with httpx.AsyncClient(base_url=stack["exemptions"], timeout=30) as api:
            asked = await api.post(
                f"/v1/applications/{application_id}/decision",
                json={"decision": "needs_information", "reason": "Stuur ook de achterkant van de kaart."},
                headers={"Authorization": f"Bearer {DESK_TOKEN}", "X-Purpose": "permit_desk: aanvraag"},
            )
        assert asked.status_code == 200, asked.text
        await page.reload()
        assert await page.locator("#status").inner_text() == "Informatie nodig"
        assert await page.locator("#reason").inner_text() == "Stuur ook de achterkant van de kaart."
        await _page(page, "needs-information")
        back = tmp_path / "achterkant.jpg"
        back.write_bytes(JPEG)
        await page.set_input_files("#f-document", str(back))
        await page.click("button:has-text('Bewijsstuk toevoegen')")
        assert "image/jpeg" in await page.locator("#documents").inner_text()
        await page.fill("#f-answer", "De achterkant is toegevoegd.")
        await page.click("button:has-text('Antwoord versturen')")
        assert await page.locator("#status").inner_text() == "Ingediend"
        assert "De achterkant is toegevoegd." in await page.locator("#steps").inner_text()
        await _page(page, "resubmitted")
        await page.click("button:has-text('Aanvraag intrekken')")
        assert await page.locator("#status").inner_text() == "Ingetrokken"
        assert await page.locator("form.withdraw").count() == 0
        await _page(page, "withdrawn")


async def test_another_applicants_application_is_not_found(stack: dict[str, Any]) -> None:
    van = await register(stack["database_url"], a_dutch_plate(), "N1", ["Diesel"], 5)
    async with httpx.AsyncClient(base_url=stack["exemptions"], timeout=30) as api:
        made = await api.post(
            "/v1/applications",
            json={"kind": "business", "plate": van, "email": "b@example.nl", "details": "vestiging in de zone"},
            headers={"Authorization": f"Bearer {applicant_token('BUSINESS')}"},
        )
    assert made.status_code == 201, made.text
    theirs = made.json()["application_id"]
    async with browser_context() as context:
        page = await context.new_page()
        await sign_in(page, "RESIDENT")
        answer = await page.goto(f"{CONSOLE_URL}/loket/applications/{theirs}")
        assert answer is not None
        assert answer.status == 404
        assert van not in await page.content()
        await _page(page, "not-found")
        answer = await page.goto(f"{CONSOLE_URL}/permits")  # an applicant's session opens no staff screen
        assert answer is not None
        assert "/loket" not in page.url
        assert "/login" in page.url or "realms/anpr/" in page.url


async def test_a_granted_application_is_the_residents_permit(stack: dict[str, Any]) -> None:
    car = await register(stack["database_url"], a_dutch_plate(), "M1", ["Diesel"], 4)
    async with httpx.AsyncClient(base_url=stack["exemptions"], timeout=30) as api:
        made = await api.post(
            "/v1/applications",
            json={"kind": "resident", "plate": car, "email": "r@example.nl", "details": "ik woon in de zone"},
            headers={"Authorization": f"Bearer {applicant_token('RESIDENT')}"},
        )
        assert made.status_code == 201, made.text
        application_id = made.json()["application_id"]
        granted = await api.post(
            f"/v1/applications/{application_id}/decision",
            json={"decision": "grant", "valid_from": f"{TODAY.isoformat()}T00:00:00+01:00", "regimes": []},
            headers={"Authorization": f"Bearer {DESK_TOKEN}", "X-Purpose": "permit_desk: aanvraag"},
        )
        assert granted.status_code == 200, granted.text
    async with browser_context() as context:
        page = await context.new_page()
        await sign_in(page, "RESIDENT", f"/loket/applications/{application_id}")
        assert await page.locator("#status").inner_text() == "Verleend"
        assert await page.locator("form.withdraw").count() == 0
        await _page(page, "resident-granted")
        await page.click("text=Mijn ontheffingen")
        assert car in await page.locator("#permits").inner_text()
        assert "Ontheffing voor bewoners" in await page.locator("#permits").inner_text()
        await _page(page, "resident-permits")
