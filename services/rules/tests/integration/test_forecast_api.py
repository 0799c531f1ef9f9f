"""`POST /v1/forecast` on the real service: counts in its PostgreSQL schema, the demo registry in memory."""

import asyncio
import random
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import yaml

from anpr_rules.adapters.rdw_import import import_vehicles
from anpr_rules.adapters.tables import outcome_counts
from anpr_rules.bootstrap import SPEC
from anpr_rules.config import RulesSettings
from anpr_rules.entrypoints.api import create_app
from anpr_runtime.db import create_engine, run_migrations

ROOT = Path(__file__).resolve().parents[4]
RDW = ROOT / "deploy" / "demo" / "rdw"
MILIEUZONE = yaml.safe_load((ROOT / "deploy" / "regimes" / "milieuzone.yaml").read_text())
ADMIN = {"Authorization": "Bearer test-admin-token"}
REVIEWER = {"Authorization": "Bearer test-reviewer-token"}
OUTCOMES = {"candidate": 3, "duplicate": 1, "not_enforceable": 1, "exempt": 2, "no_hit": 40}


async def _seed(settings: RulesSettings, since: datetime, location: str) -> dict[str, int]:
    """A week of hourly counts at a location of the zone, as rules would have kept them (no plates)."""
    await run_migrations(settings.database_url, SPEC.migrations_dir, SPEC.schema)
    engine = create_engine(settings.database_url)
    rng = random.Random(location)
    totals = dict.fromkeys(OUTCOMES, 0)
    rows = []
    for hour in range(7 * 24):
        for outcome, mean in OUTCOMES.items():
            count = rng.randint(0, 2 * mean)
            if count:
                totals[outcome] += count
                rows.append(
                    {
                        "regime_id": "milieuzone-centrum",
                        "location_id": location,
                        "hour": since + timedelta(hours=hour),
                        "outcome": outcome,
                        "count": count,
                    }
                )
    try:
        await import_vehicles(engine, RDW / "voertuigen.csv", RDW / "brandstof.csv", [], [])
        async with engine.begin() as connection:
            await connection.execute(outcome_counts.insert(), rows)
    finally:
        await engine.dispose()
    return totals


async def test_the_forecast_replays_the_counted_week_and_a_stricter_class_raises_more(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings: RulesSettings = isolated(RulesSettings, extra_tokens="test-reviewer-token:reviewer")
    # A week of its own, long past, while the zone enforced: counts of earlier runs never fall in it, nor those
    # of the console's pilot test, which seeds milieuzone-centrum from 2023 on (the two weeks met once in CI:
    # 952 candidates forecast for 507 counted).
    since = datetime(2022, 5, 2, tzinfo=UTC) + timedelta(weeks=random.Random().randrange(34))
    location = f"loc-it-{uuid.uuid4().hex[:8]}"
    totals = await _seed(settings, since, location)
    app = create_app(settings)
    stricter = MILIEUZONE | {
        "id": "milieuzone-blauw",
        "rule_sets": [
            {
                "starts": "2022-01-01T00:00:00+01:00",
                "scope": {"fuels_any": ["Diesel"], "categories": ["M1", "N1", "M2", "M3", "N2", "N3"]},
                "admitted": [
                    {"categories": ["M1", "N1"], "min_emission_class": 5},
                    {"categories": ["M2", "M3", "N2", "N3"], "min_emission_class": 6},
                ],
            }
        ],
    }
    request = {
        "baseline_regime_id": "milieuzone-centrum",
        "since": since.isoformat(),
        "until": (since + timedelta(days=7)).isoformat(),
        "decisions_per_hour": 30.0,
        "acceptance": 0.9,
        "zones": {location: "centrum"},
    }
    async with run_app(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://rules", headers=ADMIN) as client:
            deadline = time.monotonic() + 60
            while (await client.get("/readyz")).status_code != 200:
                assert time.monotonic() < deadline, (await client.get("/readyz")).text
                await asyncio.sleep(0.2)
            same = await client.post("/v1/forecast", json=request | {"regime": MILIEUZONE})
            blue = await client.post("/v1/forecast", json=request | {"regime": stricter})
            refused = await client.post("/v1/forecast", json=request | {"regime": MILIEUZONE}, headers=REVIEWER)
            centuries = {"since": "1970-01-01T00:00:00Z", "until": "2199-01-01T00:00:00Z", "regime": MILIEUZONE}
            too_long = await client.post("/v1/forecast", json=request | centuries)

    assert same.status_code == 200, same.text
    unchanged = same.json()["totals"]
    # The unchanged regime replays the week exactly: its candidates and review items, as counted.
    assert round(unchanged["candidates"]) == totals["candidate"]
    assert round(unchanged["review_items"]) == totals["not_enforceable"]
    assert unchanged["reviewer_hours"] == round((totals["candidate"] + totals["not_enforceable"]) / 30.0, 1)
    assert unchanged["notices"] == round(0.9 * totals["candidate"], 1)  # enforce mode since 2022-05
    assert unchanged["warning_letters"] == 0
    assert blue.status_code == 200, blue.text
    assert blue.json()["totals"]["candidates"] > 1.05 * unchanged["candidates"]  # class-4 diesels join in
    assert blue.json()["totals"]["exemption_requests"] > 0
    assert refused.status_code == 403
    assert too_long.status_code == 422  # the replay walks hour by hour: the window is bounded
