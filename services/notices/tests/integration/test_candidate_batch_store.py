"""Many candidates stored in one statement, on the real database: the same rows and evidence as storing
them one by one, redeliveries recognised within the batch and against what is there."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from anpr_notices.adapters.candidates import PostgresCandidateRepository
from anpr_notices.adapters.tables import evidence
from anpr_notices.bootstrap import SPEC
from anpr_runtime.db import run_migrations

from .helpers import a_candidate, candidate_row, database, notices_settings

NOW = datetime(2031, 3, 7, 12, tzinfo=UTC)


async def test_many_candidates_are_stored_like_one_by_one(isolated: Callable[..., Any]) -> None:
    settings = notices_settings(isolated)
    await run_migrations(settings.database_url, SPEC.migrations_dir, SPEC.schema)
    before, first, second = a_candidate("63HKHD"), a_candidate("XSNB23"), a_candidate("01XJND", regime_id="ze-zone")
    async with database(settings) as connection:
        await PostgresCandidateRepository(connection).store(before, "key-0", NOW, None)

    async with database(settings) as connection:
        ids = await PostgresCandidateRepository(connection).store_many(
            [(first, "key-1"), (before, "key-0"), (second, "key-2"), (first, "key-1")], NOW
        )

    assert ids[1] is None  # stored before
    assert ids[3] is None  # twice in the batch
    assert ids[0] is not None
    assert ids[2] is not None
    row = await candidate_row(settings, second.candidate_key)
    assert row is not None
    assert (row["candidate_id"], row["plate"], row["regime_id"], row["vehicle_key"]) == (
        ids[2],
        "01XJND",
        "ze-zone",
        "key-2",
    )
    assert row["box"] == [10, 20, 110, 50]
    assert row["read_event"]["read_id"] == str(second.read.read_id)
    async with database(settings) as connection:
        kinds = (await connection.execute(select(evidence.c.kind).where(evidence.c.candidate_id == ids[0]))).scalars()
        assert sorted(kinds) == ["overview", "plate"]


async def test_a_batch_stores_every_column_as_one_by_one_does(isolated: Callable[..., Any]) -> None:
    # The batch insert spells out its columns and their types: each must hold what the single insert writes.
    settings = notices_settings(isolated)
    await run_migrations(settings.database_url, SPEC.migrations_dir, SPEC.schema)
    bare = a_candidate("XSNB23", fine_eur=None)
    many = bare.model_copy(update={"read": bare.read.model_copy(update={"box": None, "formatted": None})})
    alone = a_candidate("01XJND", regime_id="ze-zone")
    batched = alone.model_copy(update={"regime_id": "ze-zone-2", "candidate_key": f"ze-zone-2:{alone.read.read_id}"})
    async with database(settings) as connection:
        repo = PostgresCandidateRepository(connection)
        await repo.store(alone, "key-a", NOW, None)
        await repo.store_many([(batched, "key-a"), (many, "key-2")], NOW)

    singly = await candidate_row(settings, alone.candidate_key)
    together = await candidate_row(settings, batched.candidate_key)
    assert singly is not None
    assert together is not None
    differing = {name for name in singly if singly[name] != together[name]}
    assert differing == {"candidate_id", "candidate_key", "regime_id"}
    assert together["read_event"] == batched.read.model_dump(mode="json", exclude={"plate_jpeg", "overview_jpeg"})
    empty = await candidate_row(settings, many.candidate_key)
    assert empty is not None
    assert (empty["box"], empty["fine_eur"], empty["formatted"]) == (None, None, None)
