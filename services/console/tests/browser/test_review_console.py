"""A reviewer signs in through Keycloak's own login page in headless Chromium (Debian's, driven by
Playwright), sees the oldest candidate with its photo, decides three with the keyboard (accept, reject with
a reason, correct a plate), and the decisions land in notices under the reviewer's name. A screenshot goes
to test-artifacts/console-review.png; axe-core finds no serious or critical accessibility problem."""

import asyncio
import io
import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from aiokafka import AIOKafkaProducer
from axe_playwright_python.async_playwright import Axe  # type: ignore[import-untyped]
from fastapi import FastAPI
from PIL import Image
from playwright.async_api import Page, async_playwright

from anpr_console import ConsoleSettings
from anpr_console import create_app as console_app
from anpr_contracts import CANDIDATES, CandidateRaised, PlateRecognized, ReadSource, RegimeMode, event_to_bytes
from anpr_notices import NoticesSettings
from anpr_notices import create_app as notices_app

ROOT = Path(__file__).resolve().parents[4]
FRAME = ROOT / "deploy" / "demo" / "frames" / "c12_2.jpg"
BOX = (354, 239, 487, 278)  # labels.csv
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

CONSOLE_PORT = 8106  # the only redirect URI the development realm allows


@dataclass(frozen=True)
class Stack:
    console_url: str
    notices_url: str
    notices: NoticesSettings
    reviewer: tuple[str, str]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _port_taken(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


async def _serve(app: FastAPI, port: int) -> tuple[uvicorn.Server, "asyncio.Task[None]"]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), f"the app on port {port} did not start"
        await asyncio.sleep(0.05)
    return server, task


@pytest.fixture
async def stack(isolated: Callable[..., Any]) -> AsyncIterator[Stack]:
    issuer = os.environ.get("ANPR_OIDC_ISSUER", "")  # `isolated` has read the run dir's env by now
    if not issuer:
        pytest.skip(
            "ANPR_OIDC_ISSUER is not set: start Keycloak (deploy/keycloak/keycloak.sh up) for the console tests"
        )
    if _port_taken(CONSOLE_PORT):
        pytest.skip(f"port {CONSOLE_PORT} is taken (a running console?): the realm redirects only there")
    user = os.environ.get("ANPR_DEMO_REVIEWER_USER", "")
    password = os.environ.get("ANPR_DEMO_REVIEWER_PASSWORD", "")
    if not (user and password):
        pytest.fail("the run dir's env has no ANPR_DEMO_REVIEWER_USER/_PASSWORD")
    notices: NoticesSettings = isolated(NoticesSettings, oidc_issuer=issuer)
    notices_port = _free_port()
    console: ConsoleSettings = isolated(
        ConsoleSettings,
        oidc_issuer=issuer,
        public_url=f"http://127.0.0.1:{CONSOLE_PORT}",
        notices_url=f"http://127.0.0.1:{notices_port}",
        rules_url=f"http://127.0.0.1:{_free_port()}",  # nothing there: the vehicle panel says "niet beschikbaar"
        client_id=os.environ.get("ANPR_OIDC_CONSOLE_CLIENT_ID", "anpr-console"),
        client_secret=os.environ["ANPR_OIDC_CONSOLE_CLIENT_SECRET"],
    )
    started = [await _serve(notices_app(notices), notices_port), await _serve(console_app(console), CONSOLE_PORT)]
    try:
        yield Stack(f"http://127.0.0.1:{CONSOLE_PORT}", f"http://127.0.0.1:{notices_port}", notices, (user, password))
    finally:
        for server, task in reversed(started):
            server.should_exit = True
            await task


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


async def _publish(settings: NoticesSettings, events: list[CandidateRaised]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(settings.topic(CANDIDATES.name), event_to_bytes(event), key=b"console")
    finally:
        await producer.stop()


async def _sign_in(page: Page, stack: Stack, path: str) -> None:
    await page.goto(f"{stack.console_url}{path}")
    await page.wait_for_selector("#username")  # Keycloak's own login page
    user, password = stack.reviewer
    await page.fill("#username", user)
    await page.fill("#password", password)
    await page.click("#kc-login")
    await page.wait_for_url(f"{stack.console_url}{path}*")


async def _plate(page: Page) -> str:
    return (await page.text_content("#plate") or "").strip()


async def test_reviewer_signs_in_and_decides_three_with_the_keyboard(stack: Stack) -> None:
    regime = f"console-{uuid.uuid4().hex[:8]}"  # the filter shows only this test's candidates
    events = [_candidate(regime, "63HKHD", 30), _candidate(regime, "01XJND", 20), _candidate(regime, "XSNB28", 10)]
    await _publish(stack.notices, events)
    ARTIFACTS.mkdir(exist_ok=True)
    queue = f"/review?regime={regime}"

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        # axe-core is injected with evaluate, which the console's CSP (script-src 'self') would refuse.
        context = await browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await _sign_in(page, stack, queue)
        for _ in range(100):  # notices consumes the three candidates
            if await page.locator(".queue li").count() == 3:
                break
            await asyncio.sleep(0.3)
            await page.goto(f"{stack.console_url}{queue}")
        assert await page.locator(".queue li").count() == 3
        assert await _plate(page) == "63-HK-HD"  # the oldest first
        await page.wait_for_function("document.getElementById('overview').naturalWidth > 0")
        assert "Renske de Vries" in (await page.text_content(".who") or "")
        assert await page.locator("nav.screens a[href='/review']").count() == 1
        await page.screenshot(path=str(ARTIFACTS / "console-review.png"), full_page=True)
        results = await Axe().run(page)
        serious = [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert serious == [], results.generate_report()

        # A second tab on the same candidate: its decision, sent after the first, must not count twice.
        other = await context.new_page()
        await other.goto(page.url)
        await page.keyboard.press("a")  # accept 63HKHD; the next oldest comes up
        await page.wait_for_function("document.getElementById('plate').textContent.trim() === '01-XJ-ND'")
        await other.click("#accept-form button")
        await other.wait_for_selector("#message:not(:empty)")
        assert "al besloten" in (await other.text_content("#message") or "")
        await other.close()
        await page.keyboard.press("r")
        await page.keyboard.press("1")  # reject 01XJND: misread
        await page.wait_for_function("document.getElementById('plate').textContent.trim() === 'XS-NB-28'")
        await page.keyboard.press("c")
        await page.keyboard.type("XS-NB-23")
        await page.keyboard.press("Enter")  # a misread: corrected, re-judged by rules
        await page.wait_for_selector("#message:not(:empty)")
        await page.screenshot(path=str(ARTIFACTS / "console-review-done.png"), full_page=True)
        assert await page.locator(".queue li").count() == 0

        await page.click("form.logout button")  # ends the Keycloak session too, then back here
        await page.wait_for_url(f"{stack.console_url}/logged-out")
        await page.goto(f"{stack.console_url}/review")
        await page.wait_for_selector("#username")  # signed out at Keycloak as well: its login page again

        await browser.close()
    assert errors == []

    admin = {"Authorization": f"Bearer {stack.notices.admin_token.get_secret_value()}"}
    async with httpx.AsyncClient(base_url=stack.notices_url, headers=admin) as client:
        found = (await client.get("/v1/candidates", params={"regime": regime})).json()
    statuses = {c["plate"]: c["status"] for c in found}
    assert statuses["63HKHD"] in ("notice_issued", "awaiting_second_review")
    assert statuses["01XJND"] == "rejected"
    assert statuses["XSNB28"] == "reevaluating"
    decisions = [d for c in found for d in c["decisions"]]
    assert len(decisions) == 3  # the second tab's accept was refused, not recorded
