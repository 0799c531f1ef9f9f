"""What every console browser test shares: Debian's Chromium driven by Playwright, services served in this
event loop on free ports, the console on the port the realm redirects to, sign-in through Keycloak's own
login page as one of the demo people, an axe-core check and screenshots in test-artifacts/."""

import asyncio
import contextlib
import os
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from aiokafka import AIOKafkaProducer
from axe_playwright_python.async_playwright import Axe  # type: ignore[import-untyped]
from fastapi import FastAPI
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from anpr_console import ConsoleSettings
from anpr_contracts import CANDIDATES, CandidateRaised, event_to_bytes
from anpr_notices import NoticesSettings
from anpr_rules import SPEC as RULES_SPEC
from anpr_rules import import_vehicles
from anpr_runtime.db import create_engine, run_migrations

ROOT = Path(__file__).resolve().parents[4]
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
# The port the development realm lets the console client redirect to (ANPR_CONSOLE_PORT, default 8106).
CONSOLE_PORT = int(os.environ.get("ANPR_CONSOLE_PORT", "8106"))
CONSOLE_URL = f"http://127.0.0.1:{CONSOLE_PORT}"


def local_url(port: int) -> str:
    return f"http://127.0.0.1:{port}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def port_taken(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def require_identity_provider() -> str:
    """The issuer of the test run's Keycloak; skips (with the reason) when there is none or the port is taken."""
    issuer = os.environ.get("ANPR_OIDC_ISSUER", "")
    if not issuer:
        pytest.skip("ANPR_OIDC_ISSUER is not set: start Keycloak (deploy/local/infra.sh up) for the console tests")
    if port_taken(CONSOLE_PORT):
        pytest.skip(f"port {CONSOLE_PORT} is taken (a running console?): the realm redirects only there")
    return issuer


def console_settings(isolated: Callable[..., Any], issuer: str, **service_ports: int) -> ConsoleSettings:
    """The console of a test run: signing in at the run's Keycloak as the realm's console client, on the
    port the realm redirects to, calling each service named (rules=port, ...) on this machine."""
    urls = {f"{service}_url": local_url(port) for service, port in service_ports.items()}
    settings: ConsoleSettings = isolated(
        ConsoleSettings,
        oidc_issuer=issuer,
        public_url=CONSOLE_URL,
        client_id=os.environ.get("ANPR_OIDC_CONSOLE_CLIENT_ID", "anpr-console"),
        client_secret=os.environ["ANPR_OIDC_CONSOLE_CLIENT_SECRET"],
        **urls,
    )
    return settings


async def until_ready(url: str, seconds: float = 60, headers: dict[str, str] | None = None) -> None:
    """Waits for a service's /readyz (rules, say, once it has read its topics); fails the test after `seconds`."""
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=url, headers=headers) as client:
        while (await client.get("/readyz")).status_code != 200:
            if time.monotonic() > deadline:
                pytest.fail(f"{url} did not become ready")
            await asyncio.sleep(0.2)


async def import_registry(
    database_url: str, base: Path, fuel: Path, special: Iterable[Path] = (), body: Iterable[Path] = ()
) -> None:
    """RDW files into rules' vehicle registry (its migrations first: the import needs its tables)."""
    await run_migrations(database_url, RULES_SPEC.migrations_dir, RULES_SPEC.schema)
    engine = create_engine(database_url)
    try:
        await import_vehicles(engine, base, fuel, list(special), list(body))
    finally:
        await engine.dispose()


async def publish_candidates(settings: NoticesSettings, events: Iterable[CandidateRaised], key: bytes) -> None:
    """Candidates on the topic notices consumes, as rules would raise them."""
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(settings.topic(CANDIDATES.name), event_to_bytes(event), key=key)
    finally:
        await producer.stop()


def demo_person(role: str) -> tuple[str, str]:
    """(user, password) of the demo person with this role: REVIEWER, REVIEWER_2, SUPERVISOR, OPERATOR, ..."""
    user = os.environ.get(f"ANPR_DEMO_{role}_USER", "")
    password = os.environ.get(f"ANPR_DEMO_{role}_PASSWORD", "")
    if not (user and password):
        pytest.fail(f"the run dir's env has no ANPR_DEMO_{role}_USER/_PASSWORD")
    return user, password


async def serve(app: FastAPI, port: int) -> tuple[uvicorn.Server, "asyncio.Task[None]"]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:
        assert not task.done(), f"the app on port {port} did not start"
        await asyncio.sleep(0.05)
    return server, task


@contextlib.asynccontextmanager
async def serving(*apps: tuple[FastAPI, int]) -> AsyncIterator[None]:
    """Serve each (app, port) with its lifespan; stop them in reverse order."""
    started = []
    try:
        for app, port in apps:
            started.append(await serve(app, port))
        yield
    finally:
        for server, task in reversed(started):
            server.should_exit = True
            await task


@contextlib.asynccontextmanager
async def browser_context() -> AsyncIterator[BrowserContext]:
    async with async_playwright() as playwright:
        browser: Browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            # axe-core is injected with evaluate, which the console's CSP (script-src 'self') would refuse.
            yield await browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
        finally:
            await browser.close()


async def sign_in(page: Page, role: str, path: str = "/") -> None:
    """Through Keycloak's own login page, as the demo person with `role`; ends on `path` of the console."""
    user, password = demo_person(role)
    await page.goto(f"{CONSOLE_URL}{path}")
    await page.wait_for_selector("#username")
    await page.fill("#username", user)
    await page.fill("#password", password)
    await page.click("#kc-login")
    await page.wait_for_url(f"{CONSOLE_URL}{path}*")


async def check_accessibility(page: Page) -> None:
    """axe-core on the page as it is now: no serious or critical violation."""
    results = await Axe().run(page)
    serious = [v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], results.generate_report()


async def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    await page.screenshot(path=str(path), full_page=True)
    return path


def page_check(prefix: str) -> Callable[[Page, str], Awaitable[None]]:
    """A screenshot (test-artifacts/<prefix>-<name>.png) and axe-core, for every page a test looks at."""

    async def looked_at(page: Page, name: str) -> None:
        await screenshot(page, f"{prefix}-{name}")
        await check_accessibility(page)

    return looked_at
