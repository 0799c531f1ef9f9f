"""Frame claims are written in groups: the claims that arrive while one statement runs share the next."""

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from anpr_ingest.adapters.claim_groups import ClaimGroups, DatabaseUnavailable

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


class FakePool:
    """Claims every frame id it was never asked for before; remembers each statement's arguments."""

    def __init__(self, fails_with: Exception | None = None) -> None:
        self.statements: list[list[tuple[str, str]]] = []
        self.leases: list[timedelta] = []
        self._held: set[tuple[str, str]] = set()
        self._fails_with = fails_with

    async def fetch(
        self, _: str, cameras: list[str], frames: list[str], moments: list[datetime], until: list[datetime]
    ) -> list[dict[str, Any]]:
        await asyncio.sleep(0.01)  # a round trip: claims arriving meanwhile wait for the next statement
        if self._fails_with is not None:
            raise self._fails_with
        keys = list(zip(cameras, frames, strict=True))
        assert len(set(keys)) == len(keys), "a statement may not claim a row twice"
        self.statements.append(keys)
        self.leases += [end - start for start, end in zip(moments, until, strict=True)]
        fresh = [key for key in keys if key not in self._held]
        self._held.update(fresh)
        return [{"camera_id": camera, "frame_id": frame} for camera, frame in fresh]


async def test_claims_made_while_a_statement_runs_share_the_next_one() -> None:
    pool = FakePool()
    groups = ClaimGroups(pool, LEASE)

    first = asyncio.create_task(groups.claim("cam-1", "f-0", NOW))
    await asyncio.sleep(0.002)  # its statement is under way
    outcomes = await asyncio.gather(first, *(groups.claim("cam-1", f"f-{n}", NOW) for n in range(1, 40)))

    assert outcomes == [True] * 40
    assert [len(keys) for keys in pool.statements] == [1, 39]  # the first at once, the rest together
    assert set(pool.leases) == {LEASE}


async def test_a_frame_id_twice_in_one_group_is_claimed_once() -> None:
    pool = FakePool()
    groups = ClaimGroups(pool, LEASE)

    outcomes = await asyncio.gather(*(groups.claim("cam-1", frame_id, NOW) for frame_id in ("a", "b", "b", "a")))

    assert outcomes == [True, True, False, False]
    assert sorted(key for keys in pool.statements for key in keys) == [("cam-1", "a"), ("cam-1", "b")]


async def test_a_claim_after_a_quiet_spell_is_written_at_once() -> None:
    pool = FakePool()
    groups = ClaimGroups(pool, LEASE)

    assert await groups.claim("cam-1", "f-1", NOW)
    assert await groups.claim("cam-1", "f-2", NOW)
    assert not await groups.claim("cam-1", "f-1", NOW)
    assert [len(keys) for keys in pool.statements] == [1, 1, 1]


async def test_every_claim_of_a_group_gets_the_database_outage() -> None:
    groups = ClaimGroups(FakePool(fails_with=ConnectionRefusedError(111, "refused")), LEASE)

    outcomes = await asyncio.gather(*(groups.claim("cam-1", f"f-{n}", NOW) for n in range(5)), return_exceptions=True)

    assert all(isinstance(outcome, DatabaseUnavailable) for outcome in outcomes)
    with pytest.raises(DatabaseUnavailable):  # and the next claim is tried again, not stuck behind it
        await groups.claim("cam-1", "f-9", NOW)
