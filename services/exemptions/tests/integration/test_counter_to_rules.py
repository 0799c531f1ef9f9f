"""From "apply for a day permit" to "rules treats a read of that van as exempt", through the real rules
service (in this process, on the same broker, topic prefix and pseudonym key): the latency the issue asks
to report, measured and bounded."""

import asyncio
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from anpr_contracts import CANDIDATES, READS, CandidateRaised, PlateRecognized, ReadSource, event_to_bytes, parse_event
from anpr_exemptions.domain.local_time import LOCAL
from anpr_rules import RulesSettings
from anpr_rules import create_app as rules_app

from .counter import a_dutch_plate, as_applicant, counter_api, counter_settings, register

ADMIN = {"Authorization": "Bearer test-admin-token"}


def a_read(plate: str) -> PlateRecognized:
    return PlateRecognized(
        source=ReadSource.CAMERA,
        camera_id="cam-counter",
        location_id="loc-centrum-noord",
        zone_id="centrum",
        observed_at=datetime.now(UTC),
        plate=plate,
        country="NL",
        confidence=0.97,
    )


async def candidates_of(settings: RulesSettings, plates: set[str], timeout: float) -> set[str]:
    """The plates among `plates` that got a candidate, once the last of `plates` expected has one."""
    consumer = AIOKafkaConsumer(
        settings.topic(CANDIDATES.name), bootstrap_servers=settings.kafka_bootstrap, auto_offset_reset="earliest"
    )
    await consumer.start()
    seen: set[str] = set()
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for records in (await consumer.getmany(timeout_ms=200)).values():
                for record in records:
                    event = parse_event(record.value or b"")
                    if isinstance(event, CandidateRaised) and event.read.plate in plates:
                        seen.add(event.read.plate)
            if any(p.startswith("C") for p in seen):
                break
    finally:
        await consumer.stop()
    return seen


async def test_a_day_permit_bought_at_the_counter_makes_the_van_exempt_in_rules_within_a_second(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    rules: RulesSettings = isolated(RulesSettings)
    settings = counter_settings(
        isolated, topic_prefix=rules.topic_prefix, pseudonym_key=rules.pseudonym_key.get_secret_value()
    )
    # Euro 4 diesel vans: no transition rule admits them into the ZE zone.
    van = await register(settings, a_dutch_plate(), emission_class=4, first_admission=date(2008, 1, 1))
    warm = await register(settings, a_dutch_plate(), emission_class=4, first_admission=date(2008, 1, 1))
    control = await register(settings, "C" + a_dutch_plate()[1:], emission_class=4, first_admission=date(2008, 1, 1))
    today = datetime.now(UTC).astimezone(LOCAL).date()
    app = rules_app(rules)
    producer = AIOKafkaProducer(bootstrap_servers=rules.kafka_bootstrap)
    await producer.start()
    try:
        async with run_app(app), counter_api(settings, run_app) as counter:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://rules", headers=ADMIN) as rules_api:
                deadline = time.monotonic() + 120
                while (await rules_api.get("/readyz")).status_code != 200:
                    assert time.monotonic() < deadline, (await rules_api.get("/readyz")).text
                    await asyncio.sleep(0.2)
                before = (await rules_api.get("/v1/status")).json()["permits"]

                # The applicant is signed in, and the running service has published before: the issuer's keys
                # and the topics' leaders are known (the first application after a start costs more; printed).
                headers = as_applicant("BUSINESS")
                first = {"kind": "day-permit", "plate": warm, "day": today.isoformat(), "email": "x@anpr.invalid"}
                cold = time.perf_counter()
                assert (await counter.post("/v1/applications", json=first, headers=headers)).status_code == 201
                cold = time.perf_counter() - cold
                while (await rules_api.get("/v1/status")).json()["permits"] <= before:
                    await asyncio.sleep(0.01)
                before += 1

                started = time.perf_counter()
                body = {"kind": "day-permit", "plate": van, "day": today.isoformat(), "email": "x@anpr.invalid"}
                applied = await counter.post("/v1/applications", json=body, headers=headers)
                assert applied.status_code == 201, applied.text
                answered = time.perf_counter() - started
                while (await rules_api.get("/v1/status")).json()["permits"] <= before:
                    assert time.perf_counter() - started < 10, "the permit never reached rules"
                    await asyncio.sleep(0.005)
                in_rules = time.perf_counter() - started

            reads = rules.topic(READS.name)
            await producer.send_and_wait(reads, event_to_bytes(a_read(van)), key=b"counter")
            await producer.send_and_wait(reads, event_to_bytes(a_read(control)), key=b"counter")
            flagged = await candidates_of(rules, {van, control}, timeout=30)
    finally:
        await producer.stop()

    print(
        f"\nfirst apply after start -> 201: {cold * 1000:.0f} ms; then apply -> 201: {answered * 1000:.0f} ms,"
        f" apply -> permit in rules' index: {in_rules * 1000:.0f} ms"
    )
    assert control in flagged, "the same van without a permit is a candidate: the read was judged"
    assert van not in flagged, "the van with today's day permit is exempt"
    assert in_rules < 1.0, f"apply -> exempt in rules took {in_rules:.2f} s"
