"""rules and notices side by side in this process, on the real broker and database, with the demo RDW
registry imported: what plate corrections need."""

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from anpr_contracts import READS, PlateRecognized, ReadSource
from anpr_notices.config import NoticesSettings
from anpr_notices.entrypoints.api import create_app as notices_app
from anpr_rules import SPEC as RULES_SPEC
from anpr_rules import RulesSettings, import_vehicles
from anpr_rules import create_app as rules_app
from anpr_runtime.db import create_engine, run_migrations

from .helpers import ADMIN, api, notices_settings, publish

RDW = Path(__file__).resolve().parents[4] / "deploy" / "demo" / "rdw"
LOCATION = "loc-centrum-noord"  # in deploy/regimes/milieuzone.yaml
REGIME = "milieuzone-centrum"


@dataclass
class Pipeline:
    notices: httpx.AsyncClient
    settings: NoticesSettings

    async def read(self, plate: str) -> PlateRecognized:
        """A camera read at a milieuzone location, as recognition would publish it."""
        read = PlateRecognized(
            source=ReadSource.CAMERA,
            camera_id="cam-correction",
            location_id=LOCATION,
            zone_id="centrum",
            observed_at=datetime.now(UTC),
            plate=plate,
            country="NL",
            confidence=0.81,
            box=(5, 5, 50, 20),
            plate_jpeg=b"\xff\xd8plate",
            overview_jpeg=b"\xff\xd8overview",
        )
        await publish(self.settings.kafka_bootstrap, self.settings.topic(READS.name), read)
        return read


@asynccontextmanager
async def pipeline(isolated: Callable[..., Any], run_app: Callable[..., Any]) -> AsyncIterator[Pipeline]:
    rules_settings: RulesSettings = isolated(RulesSettings)
    await run_migrations(rules_settings.database_url, RULES_SPEC.migrations_dir, RULES_SPEC.schema)
    engine = create_engine(rules_settings.database_url)
    codes = [RDW / "bijzonderheden.csv"], [RDW / "carrosserie.csv", RDW / "carrosserie_specifiek.csv"]
    await import_vehicles(engine, RDW / "voertuigen.csv", RDW / "brandstof.csv", *codes)
    await engine.dispose()
    settings = notices_settings(isolated)
    rules, notices = rules_app(rules_settings), notices_app(settings)
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(run_app(rules))
        await stack.enter_async_context(run_app(notices))
        rules_client = await stack.enter_async_context(api(rules))
        deadline = time.monotonic() + 60
        while (await rules_client.get("/readyz", headers=ADMIN)).status_code != 200:
            assert time.monotonic() < deadline, "rules never became ready"
            await asyncio.sleep(0.2)
        yield Pipeline(await stack.enter_async_context(api(notices)), settings)
