"""The rules service against the real broker and database: reads in, candidates out; a permit created
upstream reaches the in-memory index through the compacted topic within a second."""

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from anpr_contracts import (
    CANDIDATES,
    EXEMPTIONS,
    READS,
    CandidateRaised,
    ExemptionChanged,
    PlateRecognized,
    ReadSource,
    event_to_bytes,
    parse_event,
)
from anpr_rules.adapters.rdw_import import import_vehicles
from anpr_rules.bootstrap import SPEC, RulesComponents
from anpr_rules.config import RulesSettings
from anpr_rules.entrypoints.api import create_app
from anpr_runtime.db import create_engine, run_migrations
from anpr_runtime.pseudonym import vehicle_key

RDW = Path(__file__).resolve().parents[4] / "deploy" / "demo" / "rdw"
ADMIN = {"Authorization": "Bearer test-admin-token"}


def a_read(plate: str) -> PlateRecognized:
    return PlateRecognized(
        source=ReadSource.CAMERA,
        camera_id="cam-it",
        location_id="loc-centrum-noord",
        zone_id="centrum",
        observed_at=datetime.now(UTC),
        plate=plate,
        country="NL",
        confidence=0.95,
    )


async def _candidates(settings: RulesSettings, stop: asyncio.Event, found: list[CandidateRaised]) -> None:
    consumer = AIOKafkaConsumer(
        settings.topic(CANDIDATES.name), bootstrap_servers=settings.kafka_bootstrap, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        while not stop.is_set():
            for records in (await consumer.getmany(timeout_ms=200)).values():
                for record in records:
                    event = parse_event(record.value or b"")
                    assert isinstance(event, CandidateRaised)
                    found.append(event)
    finally:
        await consumer.stop()


async def _until(condition: Callable[[], bool], timeout: float) -> float:
    started = time.perf_counter()
    while not condition():
        assert time.perf_counter() - started < timeout, "timed out"
        await asyncio.sleep(0.01)
    return time.perf_counter() - started


async def test_reads_become_candidates_and_a_new_permit_applies_within_a_second(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings: RulesSettings = isolated(RulesSettings)
    await run_migrations(settings.database_url, SPEC.migrations_dir, SPEC.schema)  # the import needs them
    engine = create_engine(settings.database_url)
    special = [RDW / "bijzonderheden.csv"]
    body = [RDW / "carrosserie.csv", RDW / "carrosserie_specifiek.csv"]
    await import_vehicles(engine, RDW / "voertuigen.csv", RDW / "brandstof.csv", special, body)
    await engine.dispose()

    app = create_app(settings)
    found: list[CandidateRaised] = []
    stop = asyncio.Event()
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap)
    await producer.start()
    try:
        async with run_app(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://rules", headers=ADMIN) as client:
                deadline = time.monotonic() + 60
                while (await client.get("/readyz")).status_code != 200:
                    assert time.monotonic() < deadline, (await client.get("/readyz")).text
                    await asyncio.sleep(0.2)
            listener = asyncio.create_task(_candidates(settings, stop, found))
            reads_topic = settings.topic(READS.name)

            # An old diesel car without a permit: a candidate comes out.
            await producer.send_and_wait(reads_topic, event_to_bytes(a_read("63HKHD")), key=b"a")
            await _until(lambda: any(c.read.plate == "63HKHD" for c in found), timeout=30)

            # A permit published upstream is in the index within a second.
            parts = app.state.resources.component(RulesComponents)
            key = vehicle_key("XSNB23", settings.pseudonym_key.get_secret_value())
            permit = ExemptionChanged(
                exemption_id=f"it-{settings.topic_prefix}",
                plate_key=key,
                kind="resident",
                regimes=("milieuzone-centrum",),
                valid_from=datetime.now(UTC) - timedelta(hours=1),
            )
            await producer.send_and_wait(settings.topic(EXEMPTIONS.name), event_to_bytes(permit), key=b"p")
            took = await _until(lambda: bool(parts.permits.permits_of(key)), timeout=5)
            assert took < 1.0, f"the permit took {took:.2f} s to reach the index"

            # So XSNB23 (old diesel, now with a permit) is exempt; 01XJND (same case, no permit) is not.
            await producer.send_and_wait(reads_topic, event_to_bytes(a_read("XSNB23")), key=b"b")
            await producer.send_and_wait(reads_topic, event_to_bytes(a_read("01XJND")), key=b"b")
            await _until(lambda: any(c.read.plate == "01XJND" for c in found), timeout=30)
            await asyncio.sleep(1)
            stop.set()
            await listener
    finally:
        await producer.stop()

    plates = [c.read.plate for c in found]
    assert plates.count("63HKHD") == 1
    assert "XSNB23" not in plates
    candidate = next(c for c in found if c.read.plate == "63HKHD")
    assert candidate.regime_id == "milieuzone-centrum"
    assert candidate.regime_version
    assert candidate.enforceable
    assert any("no valid permit" in line for line in candidate.explanation)
