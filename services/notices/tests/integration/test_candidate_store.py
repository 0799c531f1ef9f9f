"""Against the real broker and database: candidates are consumed, stored once, and survive a crash."""

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
from aiokafka import AIOKafkaProducer
from sqlalchemy import func, select

from anpr_contracts import CANDIDATES, CandidateRaised, PlateRecognized, ReadSource, RegimeMode, event_to_bytes
from anpr_notices.adapters.tables import candidates
from anpr_notices.bootstrap import SPEC, bootstrap
from anpr_notices.config import NoticesSettings
from anpr_notices.entrypoints.api import create_app
from anpr_runtime.kafka import new_consumer
from anpr_runtime.service import consuming, open_resources

REVIEWER = {"Authorization": "Bearer test-reviewer-token", "X-Purpose": "review"}


def a_candidate(plate: str = "63HKHD") -> CandidateRaised:
    read = PlateRecognized(
        source=ReadSource.CAMERA,
        camera_id="cam-1",
        location_id="loc-1",
        observed_at=datetime.now(UTC),
        plate=plate,
        confidence=0.93,
        plate_jpeg=b"\xff\xd8plate",
    )
    return CandidateRaised(
        candidate_key=f"milieuzone:{read.read_id}",
        read=read,
        regime_id="milieuzone",
        regime_version="2026.1",
        mode=RegimeMode.ENFORCE,
        legal_reference="RVV 1990 art. 86t",
        fine_eur=120,
        explanation=("diesel", "class 3 < 4"),
        vehicle={"brandstof": "Diesel"},
    )


async def publish(settings: NoticesSettings, *events: CandidateRaised) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=settings.kafka_bootstrap)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(settings.topic(CANDIDATES.name), event_to_bytes(event), key=b"k")
    finally:
        await producer.stop()


async def stored(settings: NoticesSettings, key: str, timeout: float = 20) -> int:
    """Rows with this candidate key, once at least one arrived (or 0 at the timeout)."""
    from anpr_runtime.db import create_engine

    engine = create_engine(settings.database_url)
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            async with engine.connect() as connection:
                query = select(func.count()).where(candidates.c.candidate_key == key)
                count = int((await connection.execute(query)).scalar_one())
            if count or asyncio.get_running_loop().time() > deadline:
                return count
            await asyncio.sleep(0.2)
    finally:
        await engine.dispose()


async def test_candidate_published_upstream_is_listed_once_even_when_redelivered(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings = isolated(NoticesSettings)
    app = create_app(settings)
    candidate = a_candidate()
    async with run_app(app):
        await publish(settings, candidate, candidate)  # the second is a redelivery
        assert await stored(settings, candidate.candidate_key) == 1
        await asyncio.sleep(1)  # give the duplicate time to arrive
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://notices") as client:
            listed = (
                await client.get("/v1/candidates", params={"status": "pending", "order": "newest"}, headers=REVIEWER)
            ).json()
            mine = [c for c in listed if c["candidate_key"] == candidate.candidate_key]
            assert len(mine) == 1
            assert mine[0]["plate"] == "63HKHD"
            evidence = await client.get(f"/v1/candidates/{mine[0]['candidate_id']}/evidence/plate", headers=REVIEWER)
            assert evidence.content == b"\xff\xd8plate"
    assert await stored(settings, candidate.candidate_key, timeout=0) == 1


async def test_consumer_killed_before_commit_reprocesses_without_duplicate(isolated: Callable[..., Any]) -> None:
    settings = isolated(NoticesSettings)
    candidate = a_candidate("01XJND")
    handled = 0
    crash = asyncio.Event()

    async with open_resources(SPEC, settings) as resources:
        store = bootstrap(resources)

        async def store_then_die(record: Any) -> None:
            nonlocal handled
            await store(record)  # the database transaction commits here
            handled += 1
            if handled == 1:
                crash.set()
                await asyncio.Event().wait()  # "killed" after the work, before the offset commit

        await publish(settings, candidate)
        first = new_consumer(settings, settings.topic(CANDIDATES.name), group_id=settings.consumer_group)
        await first.start()
        from anpr_runtime.consumer import ConsumerRunner, DeadLetters

        runner = ConsumerRunner(first, store_then_die, DeadLetters(resources.producer, "unused", "g"), "g")
        task = asyncio.create_task(runner.run())
        await asyncio.wait_for(crash.wait(), 30)
        task.cancel()  # like SIGKILL: no commit happens
        await first.stop()
        assert await stored(settings, candidate.candidate_key, timeout=0) == 1

        # The restarted consumer (same group) gets the uncommitted message again.
        async with consuming(SPEC, resources, store_then_die):
            deadline = asyncio.get_running_loop().time() + 30
            while handled < 2 and asyncio.get_running_loop().time() < deadline:
                await asyncio.sleep(0.2)
    assert handled == 2, "the message was not redelivered after the crash"
    assert await stored(settings, candidate.candidate_key, timeout=0) == 1
