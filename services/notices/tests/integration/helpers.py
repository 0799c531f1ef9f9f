"""Shared by the notices integration tests: tokens of every role, candidates, Kafka and database helpers."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar
from uuid import UUID

import httpx
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from anpr_contracts import CandidateRaised, PlateRecognized, ReadSource, RegimeMode, event_to_bytes
from anpr_notices.adapters.tables import candidates
from anpr_notices.config import NoticesSettings
from anpr_runtime.db import create_engine

T = TypeVar("T")
# Each static token names its subject (name:role:token), as the audit trail must never name an index.
TOKENS = ",".join(
    f"{subject}:{role}:test-{name}-token"
    for name, role, subject in (
        ("camera", "camera", "camera-1"),
        ("reviewer", "reviewer", "reviewer-2"),
        ("reviewer2", "reviewer", "reviewer-3"),
        ("supervisor", "supervisor", "supervisor-4"),
        ("operator", "operator", "operator-5"),
    )
)
# People's callers with a purpose of their role: every read of candidates needs one (X-Purpose).
ADMIN = {"Authorization": "Bearer test-admin-token", "X-Purpose": "administration"}
CAMERA = {"Authorization": "Bearer test-camera-token"}
REVIEWER = {"Authorization": "Bearer test-reviewer-token", "X-Purpose": "review"}
REVIEWER2 = {"Authorization": "Bearer test-reviewer2-token", "X-Purpose": "review"}
SUPERVISOR = {"Authorization": "Bearer test-supervisor-token", "X-Purpose": "supervision"}
OPERATOR = {"Authorization": "Bearer test-operator-token"}


def notices_settings(isolated: Callable[..., Any], **overrides: Any) -> NoticesSettings:
    """The background purge is off: tests that purge choose their own clock."""
    values: dict[str, Any] = {"extra_tokens": TOKENS, "purge_interval_seconds": 0, **overrides}
    settings: NoticesSettings = isolated(NoticesSettings, **values)
    return settings


def a_candidate(
    plate: str = "63HKHD",
    regime_id: str = "milieuzone-centrum",
    mode: RegimeMode = RegimeMode.ENFORCE,
    confidence: float = 0.95,
    location_id: str = "loc-1",
    observed_at: datetime | None = None,
    **overrides: Any,
) -> CandidateRaised:
    read = PlateRecognized(
        source=ReadSource.CAMERA,
        camera_id="cam-1",
        location_id=location_id,
        observed_at=observed_at or datetime.now(UTC),
        plate=plate,
        country="NL",
        confidence=confidence,
        box=(10, 20, 110, 50),
        plate_jpeg=b"\xff\xd8plate",
        overview_jpeg=b"\xff\xd8overview",
    )
    fields: dict[str, Any] = {
        "candidate_key": f"{regime_id}:{read.read_id}",
        "read": read,
        "regime_id": regime_id,
        "regime_version": "2026.1",
        "mode": mode,
        "legal_reference": "RVV 1990 art. 86t",
        "fine_eur": 120 if mode is RegimeMode.ENFORCE else None,
        "explanation": ("diesel", "class 3 < 4"),
        "vehicle": {"brandstof": "Diesel"},
        "correlation_id": read.correlation_id,
    }
    return CandidateRaised(**{**fields, **overrides})


async def publish(bootstrap: str, topic: str, *events: BaseModel) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for event in events:
            await producer.send_and_wait(topic, event_to_bytes(event), key=b"k")
    finally:
        await producer.stop()


async def until(condition: Callable[[], Awaitable[T | None]], timeout: float = 30) -> T:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = await condition()
        if found:
            return found
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.2)


@asynccontextmanager
async def database(settings: NoticesSettings) -> AsyncIterator[AsyncConnection]:
    """A transaction on the test database, committed at the end."""
    engine = create_engine(settings.database_url)
    try:
        async with engine.begin() as connection:
            yield connection
    finally:
        await engine.dispose()


async def candidate_row(settings: NoticesSettings, candidate_key: str) -> dict[str, Any] | None:
    async with database(settings) as connection:
        row = (await connection.execute(select(candidates).where(candidates.c.candidate_key == candidate_key))).first()
    return None if row is None else dict(row._mapping)


async def arrived(settings: NoticesSettings, candidate_key: str) -> UUID:
    """The id of a candidate once the consumer stored it."""

    async def stored() -> UUID | None:
        row = await candidate_row(settings, candidate_key)
        return None if row is None else UUID(str(row["candidate_id"]))

    return await until(stored)


@asynccontextmanager
async def api(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://notices") as client:
        yield client
