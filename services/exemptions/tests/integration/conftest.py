"""The exemptions app against the real PostgreSQL and Kafka, with a fresh topic prefix per test."""

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from anpr_contracts import EXEMPTIONS, ExemptionChanged, parse_event
from anpr_exemptions.config import ExemptionsSettings
from anpr_exemptions.entrypoints.api import create_app
from anpr_runtime.kafka import new_consumer

# Each with a purpose of its role (X-Purpose): reads of permit data need one; changes ignore it.
OPERATOR = {"Authorization": "Bearer test-operator-token", "X-Purpose": "permit_desk"}
SUPERVISOR = {"Authorization": "Bearer test-supervisor-token", "X-Purpose": "supervision"}
REVIEWER = {"Authorization": "Bearer test-reviewer-token", "X-Purpose": "review"}
PERMIT_DESK = {"Authorization": "Bearer test-desk-token", "X-Purpose": "permit_desk"}
SERVICE = {"Authorization": "Bearer test-service-token", "X-Purpose": "enforcement"}
ADMIN = {"Authorization": "Bearer test-admin-token", "X-Purpose": "administration"}
TOKENS = (
    "operator-1:operator:test-operator-token,test-supervisor-token:supervisor,test-reviewer-token:reviewer,"
    "desk-1:permit_desk:test-desk-token,test-service-token:service"
)


def a_plate() -> str:
    """A plate no other test uses (tests share the database schema)."""
    return "T" + uuid.uuid4().hex[:8].upper()


@pytest.fixture
def settings(isolated: Callable[..., Any]) -> ExemptionsSettings:
    made: ExemptionsSettings = isolated(ExemptionsSettings, extra_tokens=TOKENS, municipality="itest")
    return made


@pytest.fixture
async def api(settings: ExemptionsSettings, run_app: Callable[..., Any]) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with run_app(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://exemptions", timeout=60) as client:
            yield client


async def published(
    settings: ExemptionsSettings, count: int, timeout: float = 20
) -> list[tuple[str, ExemptionChanged]]:
    """The first `count` (key, event) pairs on this test's exemptions topic, in offset order per partition."""
    consumer = new_consumer(settings, settings.topic(EXEMPTIONS.name), group_id=f"reader-{uuid.uuid4().hex}")
    await consumer.start()
    found: list[tuple[str, ExemptionChanged]] = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(found) < count and asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for records in batches.values():
                for record in records:
                    event = parse_event(record.value or b"")
                    assert isinstance(event, ExemptionChanged)
                    found.append(((record.key or b"").decode(), event))
    finally:
        await consumer.stop()
    return found
