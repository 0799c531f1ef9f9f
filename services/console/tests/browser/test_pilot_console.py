"""The operator signs in through Keycloak's own login page and works the pilot screen in headless Chromium:
the regimes in force with their modes, a forecast of deploy/pilot/milieuzone-blauw.yaml over a counted week
(its figures per day), a file that is not YAML (the file field marked, the period kept) and the pilot report
for that week. Rules and notices run with this test's settings and accept the operator's token. Every page:
a screenshot in test-artifacts/console-pilot-*.png and axe-core. Ingest runs too: the zones of locations for
the forecast, and a camera of this run standing at the counted location for the report's cameras."""

import random
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Page

from anpr_console import create_app as console_app
from anpr_ingest import IngestSettings
from anpr_ingest import create_app as ingest_app
from anpr_notices import NoticesSettings
from anpr_notices import create_app as notices_app
from anpr_rules import RulesSettings, import_vehicles, outcome_counts
from anpr_rules import create_app as rules_app
from anpr_runtime.db import create_engine, run_migrations

from .support import (
    CONSOLE_PORT,
    ROOT,
    browser_context,
    console_settings,
    free_port,
    local_url,
    page_check,
    require_identity_provider,
    serving,
    sign_in,
    until_ready,
)

PROPOSAL = ROOT / "deploy" / "pilot" / "milieuzone-blauw.yaml"
RDW = ROOT / "deploy" / "demo" / "rdw"
RULES_MIGRATIONS = ROOT / "services" / "rules" / "src" / "anpr_rules" / "migrations"
ADMIN = {"Authorization": "Bearer test-admin-token"}  # the `isolated` settings' admin token
OUTCOMES = {"candidate": 3, "not_enforceable": 1, "exempt": 2, "no_hit": 40}
LOCATION = "loc-centrum-noord"  # one of the proposal's locations


@dataclass(frozen=True)
class Week:
    first: date  # a past week of counts of this run's own: earlier runs never chose the same one
    counted: dict[str, int]
    camera: str = ""  # stood at LOCATION from the week's start on


async def _place_camera(ingest_url: str, first: date) -> str:
    """A rotating camera of this run at the counted location from the week's start, as an admin would."""
    camera = f"cam-pilot-{uuid.uuid4().hex[:6]}"
    location = {
        "location_id": LOCATION,
        "name": "Centrum noord",
        "regimes": ["milieuzone-centrum"],
        "zone_id": "centrum",
    }
    async with httpx.AsyncClient(base_url=ingest_url, headers=ADMIN) as client:
        added = await client.post("/v1/locations", json=location)
        assert added.status_code in (201, 409), added.text  # 409: an earlier run added it
        (await client.post("/v1/cameras", json={"camera_id": camera, "kind": "rotating"})).raise_for_status()
        since = datetime(first.year, first.month, first.day, tzinfo=UTC).isoformat()
        placed = await client.post(
            f"/v1/cameras/{camera}/placements", json={"location_id": LOCATION, "valid_from": since}
        )
        placed.raise_for_status()
    return camera


async def _seed(settings: RulesSettings) -> Week:
    """A week of hourly counts of milieuzone-centrum, as rules keeps them (no plates), and the demo registry."""
    await run_migrations(settings.database_url, RULES_MIGRATIONS, "rules")
    first = date(2023, 1, 2) + timedelta(weeks=random.Random().randrange(150))
    since = datetime(first.year, first.month, first.day, 6, tzinfo=UTC)  # inside the local days, either season
    rng = random.Random(first.isoformat())
    counted = dict.fromkeys(OUTCOMES, 0)
    rows = []
    for hour in range(6 * 24 + 12):
        for outcome, mean in OUTCOMES.items():
            count = rng.randint(0, 2 * mean)
            counted[outcome] += count
            row = {"regime_id": "milieuzone-centrum", "location_id": LOCATION, "outcome": outcome, "count": count}
            rows.append(row | {"hour": since + timedelta(hours=hour)})
    engine = create_engine(settings.database_url)
    try:
        await import_vehicles(engine, RDW / "voertuigen.csv", RDW / "brandstof.csv", [], [])
        async with engine.begin() as connection:
            await connection.execute(outcome_counts.insert(), [r for r in rows if r["count"]])
    finally:
        await engine.dispose()
    return Week(first, counted)


@pytest.fixture
async def week(isolated: Callable[..., Any]) -> AsyncIterator[Week]:
    issuer = require_identity_provider()
    rules: RulesSettings = isolated(RulesSettings, oidc_issuer=issuer)
    notices: NoticesSettings = isolated(NoticesSettings, oidc_issuer=issuer)
    ingest: IngestSettings = isolated(IngestSettings, oidc_issuer=issuer)
    seeded = await _seed(rules)
    ports = {"rules": free_port(), "notices": free_port(), "ingest": free_port()}
    console = console_settings(isolated, issuer, **ports)
    apps = [(rules_app(rules), ports["rules"]), (notices_app(notices), ports["notices"])]
    async with serving(*apps, (ingest_app(ingest), ports["ingest"]), (console_app(console), CONSOLE_PORT)):
        await until_ready(local_url(ports["rules"]), headers=ADMIN)
        camera = await _place_camera(f"http://127.0.0.1:{ports['ingest']}", seeded.first)
        yield Week(seeded.first, seeded.counted, camera)


_looked_at = page_check("console-pilot")


async def _forecast(page: Page, regime_file: Path, week: Week) -> None:
    await page.set_input_files("#regime-file", str(regime_file))
    await page.fill("#from", week.first.isoformat())
    await page.fill("#to", (week.first + timedelta(days=6)).isoformat())
    await page.fill("#baseline", "milieuzone-centrum")
    await page.fill("#decisions-per-hour", "30")
    await page.click("form.pilot-form button[type=submit]")


async def test_an_operator_sees_the_regimes_forecasts_a_proposal_and_reads_the_report(
    week: Week, tmp_path: Path
) -> None:
    async with browser_context() as context:
        page = await context.new_page()
        await sign_in(page, "OPERATOR", "/pilot")
        await page.wait_for_selector("#regimes")
        row = await page.inner_text("#regimes tr:has-text('milieuzone-centrum')")
        assert any(mode in row for mode in ("waarnemen", "waarschuwen", "handhaven")), row
        assert await page.locator("#regimes tbody tr").count() == len(
            list((ROOT / "deploy" / "regimes").glob("*.yaml"))
        )
        await _looked_at(page, "regimes")

        await page.click("nav.pilot-parts a[href='/pilot/forecast']")
        await page.wait_for_selector("#regime-file")
        await _looked_at(page, "forecast-form")

        await _forecast(page, PROPOSAL, week)
        await page.wait_for_selector("#forecast-days")
        assert "milieuzone-blauw" in await page.inner_text("#result-title")
        assert await page.locator("#forecast-days tbody tr").count() == 7
        totals = await page.inner_text("#forecast-days tfoot tr:first-child")
        assert totals.split()[1] != "0,0"  # reads replayed from the counted week
        # The chart (vendored Chart.js) repeats the table: drawn once the scripts ran, the table stays.
        await page.wait_for_selector("[data-chart-for=forecast-days] canvas[role=img]")
        await _looked_at(page, "forecast")

        broken = tmp_path / "kapot.yaml"
        broken.write_text("id: milieuzone-kapot\nmodes: [ {starts: 2022-01-01, mode: warn\n")
        await _forecast(page, broken, week)
        await page.wait_for_selector("#regime-file[aria-invalid=true]")
        assert "YAML" in await page.inner_text("#regime_file-error")
        assert await page.input_value("#from") == week.first.isoformat()  # the chosen period is kept
        assert await page.locator("#forecast-days").count() == 0
        await _looked_at(page, "forecast-bad-yaml")

        await page.click("nav.pilot-parts a[href='/pilot/report']")
        await page.wait_for_selector("#from")
        await _looked_at(page, "report-default")
        await page.fill("#from", week.first.isoformat())
        await page.fill("#to", (week.first + timedelta(days=6)).isoformat())
        await page.click("form.filters button[type=submit]")
        await page.wait_for_selector("#report-regimes")
        regime_row = await page.inner_text("#report-regimes tr:has-text('milieuzone-centrum')")
        assert str(week.counted["candidate"]) in regime_row.split()
        assert LOCATION in await page.inner_text("#report-locations")
        camera_row = (await page.inner_text(f"#report-cameras tr:has-text('{week.camera}')")).split()
        assert LOCATION in camera_row
        assert int(camera_row[-1]) > 0  # the reads at its location while it stood there
        await _looked_at(page, "report")
