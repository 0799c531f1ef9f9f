"""The camera health and token stores: one behaviour, run against the in-memory fake and real PostgreSQL."""

from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert

from anpr_ingest.adapters.health import CameraHealthRepository, PostgresCameraHealthRepository
from anpr_ingest.adapters.tables import cameras
from anpr_ingest.adapters.tokens import CameraTokenRepository, PostgresCameraTokenRepository
from anpr_ingest.bootstrap import SPEC
from anpr_ingest.config import IngestSettings
from anpr_ingest.domain.health import UNREGISTERED, CameraStatus, FrameSeen, Outcome, OutcomeCount, Windows
from anpr_ingest.domain.tokens import CameraToken
from anpr_runtime.db import create_engine, run_migrations

from ..unit.fakes import FakeCameraHealthRepository, FakeCameraTokenRepository
from .support import unique

# After every other test's rows, whose minutes would otherwise fall into this test's windows.
NOON = datetime(2031, 6, 5, 12, 0, 30, tzinfo=UTC)
# Before every other test's rows, so that purging up to it deletes only this test's.
LONG_AGO = datetime(2001, 1, 1, tzinfo=UTC)


Stores = tuple[CameraHealthRepository, CameraTokenRepository, list[str]]


@pytest.fixture(params=["fake", "postgres"])
async def stores(request: pytest.FixtureRequest, isolated: Callable[..., Any]) -> AsyncIterator[Stores]:
    camera_ids = [unique("cam"), unique("cam")]
    if request.param == "fake":
        yield FakeCameraHealthRepository(), FakeCameraTokenRepository(), camera_ids
        return
    settings: IngestSettings = isolated(IngestSettings)
    await run_migrations(settings.database_url, SPEC.migrations_dir, SPEC.schema)
    engine = create_engine(settings.database_url)
    try:
        async with engine.connect() as connection:
            transaction = await connection.begin()  # rolled back: the shared database keeps nothing
            for camera_id in camera_ids:
                await connection.execute(insert(cameras).values(camera_id=camera_id, kind="fixed", created_at=NOON))
            yield PostgresCameraHealthRepository(connection), PostgresCameraTokenRepository(connection), camera_ids
            await transaction.rollback()
    finally:
        await engine.dispose()


async def test_frames_are_counted_per_camera_minute_and_outcome(stores: Stores) -> None:
    health, _, (cam, other) = stores
    at = [NOON, NOON - timedelta(minutes=3), NOON - timedelta(minutes=30), NOON - timedelta(hours=3)]
    for moment in at:
        await health.record(FrameSeen(cam, Outcome.ACCEPTED, moment, 1.0))
    await health.record(FrameSeen(cam, Outcome.ACCEPTED, NOON, 1.0))
    await health.record(FrameSeen(cam, Outcome.BAD_TYPE, NOON, None))
    await health.record(FrameSeen(other, Outcome.ACCEPTED, NOON - timedelta(days=2), None))
    await health.record(FrameSeen(UNREGISTERED, Outcome.UNKNOWN_CAMERA, NOON, None))

    counts = await health.outcome_counts(None, Windows.ending(NOON))
    mine = sorted((c for c in counts if c.camera_id in (cam, other, UNREGISTERED)), key=lambda c: c.outcome)

    assert sorted(mine, key=lambda c: (c.camera_id, c.outcome)) == sorted(
        [
            OutcomeCount(cam, Outcome.ACCEPTED, 3, 4, 5),
            OutcomeCount(cam, Outcome.BAD_TYPE, 1, 1, 1),
            OutcomeCount(UNREGISTERED, Outcome.UNKNOWN_CAMERA, 1, 1, 1),
        ],
        key=lambda c: (c.camera_id, c.outcome),
    )
    assert await health.outcome_counts(other, Windows.ending(NOON)) == []


async def test_status_keeps_the_latest_frame_and_the_latest_clock_reading(stores: Stores) -> None:
    health, _, (cam, _other) = stores
    later, earlier = NOON, NOON - timedelta(seconds=2)
    await health.record(FrameSeen(cam, Outcome.ACCEPTED, later, 4.0))
    await health.record(FrameSeen(cam, Outcome.ACCEPTED, earlier, -9.0))  # committed after the later one
    await health.record(FrameSeen(cam, Outcome.CLOCK_SKEW, later + timedelta(seconds=1), 700.0))
    await health.record(FrameSeen(cam, Outcome.WRONG_TOKEN, later + timedelta(seconds=2), None))
    await health.record(FrameSeen(UNREGISTERED, Outcome.UNKNOWN_CAMERA, later, None))

    assert await health.statuses(cam) == [CameraStatus(cam, later, 700.0, later + timedelta(seconds=1))]
    assert all(s.camera_id != UNREGISTERED for s in await health.statuses(None))


async def test_purge_removes_only_minutes_before_the_moment(stores: Stores) -> None:
    health, _, (cam, _other) = stores
    old = LONG_AGO
    await health.record(FrameSeen(cam, Outcome.ACCEPTED, old, None))
    await health.record(FrameSeen(cam, Outcome.ACCEPTED, NOON, None))

    assert await health.purge_before(old + timedelta(minutes=1)) == 1
    window = Windows(old - timedelta(days=1), old - timedelta(days=1), old - timedelta(days=1))
    assert [c.last_24h for c in await health.outcome_counts(cam, window)] == [1]


async def test_tokens_are_found_by_hash_listed_and_revoked_once(stores: Stores) -> None:
    _, tokens, (cam, other) = stores
    first = CameraToken(unique("tok"), cam, "north", NOON)
    second = CameraToken(unique("tok"), cam, "", NOON + timedelta(seconds=1))
    await tokens.add_token(first, "a" * 64)
    await tokens.add_token(second, "b" * 64)

    assert await tokens.token_by_hash("a" * 64) == first
    assert await tokens.token_by_hash("c" * 64) is None
    assert await tokens.tokens_of(cam) == [first, second]
    assert await tokens.tokens_of(other) == []
    assert await tokens.get_token(other, first.token_id) is None

    assert await tokens.revoke_token(cam, first.token_id, NOON + timedelta(hours=1)) is True
    assert await tokens.revoke_token(cam, first.token_id, NOON + timedelta(hours=2)) is False
    assert await tokens.revoke_token(other, second.token_id, NOON) is False
    assert (await tokens.get_token(cam, first.token_id)) == CameraToken(
        first.token_id, cam, "north", NOON, NOON + timedelta(hours=1)
    )
