"""The repository's behaviour, written once and run against the in-memory fake and the real PostgreSQL,
so the unit tests' fake cannot drift from the store; and migration 0002 down and up again."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from anpr_exemptions.adapters.repository import ExemptionRepository, PostgresExemptionRepository
from anpr_exemptions.bootstrap import SPEC
from anpr_exemptions.config import ExemptionsSettings
from anpr_exemptions.domain.audit import AuditEntry, snapshot
from anpr_exemptions.domain.model import Exemption, ExemptionKind
from anpr_exemptions.domain.permit import DayPermitPolicy, Terms, issue
from anpr_exemptions.domain.search import Search
from anpr_runtime.db import create_engine, run_migrations

from ..unit.fakes import FakeExemptionRepository
from .conftest import a_plate

POLICY = DayPermitPolicy("itest", 12)


def a_permit(plate: str, reference: str, **terms: object) -> Exemption:
    values: dict[str, object] = {"regimes": ("milieuzone-centrum",), "valid_from": datetime(2026, 1, 1, tzinfo=UTC)}
    given = Terms(plate=plate, kind=ExemptionKind.RESIDENT, reference=reference, issuer="G", **(values | terms))  # type: ignore[arg-type]
    return issue(str(uuid.uuid4()), given, POLICY)


def a_day_permit(plate: str, day: date) -> Exemption:
    return issue(str(uuid.uuid4()), Terms(plate, ExemptionKind.DAY_PERMIT, "D", "G", day=day), POLICY)


@pytest.fixture(params=["fake", "postgres"])
async def repo(request: pytest.FixtureRequest, settings: ExemptionsSettings) -> AsyncIterator[ExemptionRepository]:
    if request.param == "fake":
        yield FakeExemptionRepository()
        return
    await run_migrations(settings.database_url, SPEC.migrations_dir, SPEC.schema)
    engine = create_engine(settings.database_url)
    try:
        async with engine.connect() as connection:
            transaction = await connection.begin()
            yield PostgresExemptionRepository(connection)
            await transaction.rollback()  # leaves nothing behind
    finally:
        await engine.dispose()


async def test_a_permit_round_trips_unchanged(repo: ExemptionRepository) -> None:
    permit = a_permit(a_plate(), "r", zones=("west",), daily_from=time(22), daily_until=time(2), valid_until=None)
    day_permit = a_day_permit(a_plate(), date(2026, 3, 28))
    for exemption in (permit, day_permit):
        await repo.add(exemption)
        assert await repo.get(exemption.exemption_id) == exemption
    moved = issue(
        day_permit.exemption_id,
        Terms(day_permit.plate, ExemptionKind.DAY_PERMIT, "D2", "G", day=date(2026, 3, 30)),
        POLICY,
    )
    await repo.update(moved)
    assert await repo.get(day_permit.exemption_id, for_update=True) == moved
    assert await repo.of_plate(permit.plate) == [permit]


async def test_search_and_the_domain_agree_on_what_is_active(repo: ExemptionRepository) -> None:
    plate = a_plate()
    permits = [
        a_permit(plate, "always"),
        a_permit(plate, "nights", daily_from=time(22), daily_until=time(2)),
        a_permit(plate, "days", daily_from=time(6), daily_until=time(19), regimes=()),
        a_permit(plate, "ze", regimes=("ze-centrum",), valid_until=datetime(2026, 2, 1, tzinfo=UTC)),
        a_day_permit(plate, date(2026, 3, 29)),
    ]
    for permit in permits:
        await repo.add(permit)
    moments = [
        datetime(2026, 3, 29, 0, 30, tzinfo=UTC),  # 01:30 CET, the night the clocks go forward
        datetime(2026, 3, 29, 1, 30, tzinfo=UTC),  # 03:30 CEST
        datetime(2026, 3, 29, 17, 30, tzinfo=UTC),  # 19:30 CEST
        datetime(2026, 1, 10, 12, tzinfo=UTC),
        datetime(2026, 10, 25, 1, 30, tzinfo=UTC),  # the second 02:30 in October
    ]
    for moment in moments:
        for regime in (None, "milieuzone-centrum", "ze-centrum"):
            found = await repo.search(Search(plate=plate, regime=regime, active_at=moment))
            expected = [
                p for p in permits if p.active_at(moment) and (regime is None or not p.regimes or regime in p.regimes)
            ]
            assert {e.reference for e in found} == {e.reference for e in expected}, (moment, regime)
    assert [e.reference for e in await repo.search(Search(plate=plate, kind=ExemptionKind.DAY_PERMIT))] == ["D"]
    newest_first = await repo.search(Search(plate=plate, limit=2))
    assert [e.valid_from for e in newest_first] == sorted((p.valid_from for p in permits), reverse=True)[:2]


async def test_day_permits_of_a_year_include_revoked_ones(repo: ExemptionRepository) -> None:
    plate = a_plate()
    first, second, next_year = (
        a_day_permit(plate, d) for d in (date(2026, 1, 1), date(2026, 12, 31), date(2027, 1, 1))
    )
    for permit in (first, second, next_year):
        await repo.add(permit)
    await repo.update(Exemption(**{**first.__dict__, "revoked": True}))
    await repo.lock_day_permits(plate, "itest", 2026)  # re-entrant within one transaction

    found = await repo.day_permits(plate, "itest", 2026)

    assert sorted((e.day, e.revoked) for e in found) == [(date(2026, 1, 1), True), (date(2026, 12, 31), False)]
    assert await repo.day_permits(plate, "elsewhere", 2026) == []


async def test_audit_entries_keep_their_snapshots(repo: ExemptionRepository) -> None:
    permit = a_permit(a_plate(), "r")
    at = datetime(2026, 3, 1, tzinfo=UTC)
    entries = [
        AuditEntry(at, "op", "grant", permit.exemption_id, after=snapshot(permit)),
        AuditEntry(at, "op", "update", permit.exemption_id, snapshot(permit), snapshot(permit)),
    ]
    for entry in entries:
        await repo.record(entry)
    assert await repo.audit_of(permit.exemption_id) == entries


async def test_migration_0002_goes_down_and_up_again(settings: ExemptionsSettings) -> None:
    name = f"exm_{uuid.uuid4().hex[:10]}"
    admin = create_engine(settings.database_url)
    try:
        async with admin.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = settings.database_url.rsplit("/", 1)[0] + f"/{name}"
        await run_migrations(url, SPEC.migrations_dir, SPEC.schema)
        config = Config()
        config.set_main_option("script_location", str(SPEC.migrations_dir))
        config.set_main_option("sqlalchemy.url", url)
        config.attributes["schema"] = SPEC.schema
        await asyncio.to_thread(command.downgrade, config, "0001")  # Alembic runs its own event loop
        await run_migrations(url, SPEC.migrations_dir, SPEC.schema)
    finally:
        async with admin.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()
