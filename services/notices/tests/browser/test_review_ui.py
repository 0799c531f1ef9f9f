"""The review UI in headless Chromium (Debian's, driven by Playwright) against a running notices service
with the real Kafka and PostgreSQL: sign in, filter, accept with `a`, reject with `r` `1`, correct a plate
with `c`; the decisions land in the API. A screenshot goes to test-artifacts/."""

import asyncio
import io
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from aiokafka import AIOKafkaProducer
from PIL import Image
from playwright.async_api import async_playwright

from anpr_contracts import CANDIDATES, CandidateRaised, PlateRecognized, ReadSource, RegimeMode, event_to_bytes
from anpr_notices.config import NoticesSettings
from anpr_notices.entrypoints.api import create_app

ROOT = Path(__file__).resolve().parents[4]
FRAME = ROOT / "deploy" / "demo" / "frames" / "c12_2.jpg"
BOX = (354, 239, 487, 278)  # labels.csv
ARTIFACTS = ROOT / "test-artifacts"
REVIEWER = "test-reviewer-token"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _crop(jpeg: bytes) -> bytes:
    with Image.open(io.BytesIO(jpeg)) as image:
        out = io.BytesIO()
        image.crop(BOX).save(out, format="JPEG")
        return out.getvalue()


def candidate(regime: str, plate: str, minutes: int) -> CandidateRaised:
    overview = FRAME.read_bytes()
    read = PlateRecognized(
        source=ReadSource.CAMERA,
        camera_id="cam-ui",
        location_id="loc-centrum-zuid",
        observed_at=datetime.now(UTC) - timedelta(minutes=minutes),
        plate=plate,
        formatted=f"{plate[:2]}-{plate[2:4]}-{plate[4:]}",
        country="NL",
        confidence=0.97,
        box=BOX,
        plate_jpeg=_crop(overview),
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


@pytest.fixture
async def served(isolated: Callable[..., Any]) -> AsyncIterator[tuple[str, NoticesSettings]]:
    settings: NoticesSettings = isolated(NoticesSettings)
    app = create_app(settings)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), "notices did not start"
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", settings
    finally:
        server.should_exit = True
        await task


async def _publish(settings: NoticesSettings, events: list[CandidateRaised]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(settings.topic(CANDIDATES.name), event_to_bytes(event), key=b"ui")
    finally:
        await producer.stop()


async def _statuses(base: str, regime: str) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {REVIEWER}"}) as client:
        found = (await client.get("/v1/candidates", params={"regime": regime, "limit": 50})).json()
    return {c["plate"]: c["status"] for c in found}


async def test_reviewer_clears_the_queue_with_the_keyboard(served: tuple[str, NoticesSettings]) -> None:
    base, settings = served
    regime = f"ui-{uuid.uuid4().hex[:8]}"  # the filter shows only this test's candidates
    await _publish(
        settings, [candidate(regime, "63HKHD", 30), candidate(regime, "01XJND", 20), candidate(regime, "XSNB28", 10)]
    )
    for _ in range(100):
        if len(await _statuses(base, regime)) == 3:
            break
        await asyncio.sleep(0.2)
    ARTIFACTS.mkdir(exist_ok=True)

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        # The page's CSP forbids eval; Playwright's wait_for_function needs it (the test's own code only).
        context = await browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.goto(f"{base}/review")
        await page.fill("#f-regime", regime)
        await page.fill("#token", REVIEWER)
        await page.click("#login button")
        await page.wait_for_selector("#queue li:nth-child(3)")
        await page.wait_for_function("document.getElementById('overview').naturalWidth > 0")
        assert await page.text_content("#plate") == "63-HK-HD"
        assert "Diesel" in (await page.text_content("#vehicle") or "")
        assert await page.is_visible("#plate-box")
        await page.screenshot(path=str(ARTIFACTS / "review-ui.png"))

        await page.keyboard.press("a")  # accept 63HKHD, go to the next
        await page.wait_for_function("document.getElementById('plate').textContent === '01-XJ-ND'")
        await page.keyboard.press("r")
        await page.keyboard.press("1")  # reject 01XJND: misread
        await page.wait_for_function("document.getElementById('plate').textContent === 'XS-NB-28'")
        await page.keyboard.press("z")  # zoom on the plate
        await page.screenshot(path=str(ARTIFACTS / "review-ui-zoom.png"))
        await page.keyboard.press("c")
        await page.keyboard.type("XS-NB-23")
        await page.keyboard.press("Enter")  # a misread: corrected plate, re-evaluated by rules
        await page.wait_for_function("document.getElementById('message').textContent.startsWith('XS-NB-28')")
        await browser.close()
    assert errors == []

    statuses = await _statuses(base, regime)
    assert statuses["63HKHD"] in ("accepted", "awaiting_second_review", "notice_issued")
    assert statuses["01XJND"] == "rejected"
    assert statuses["XSNB28"] != "pending"
