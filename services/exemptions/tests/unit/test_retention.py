"""The retention purge against a controlled clock: each class goes exactly when its period has passed."""

import inspect
from datetime import UTC, date, datetime, timedelta

import pytest

from anpr_exemptions.adapters.reads import ReadLog
from anpr_exemptions.adapters.retention import RetentionRepository
from anpr_exemptions.domain.audit import Actor
from anpr_exemptions.domain.reads import ReadEntry
from anpr_exemptions.domain.retention import RetentionPolicy, cutoffs
from anpr_exemptions.handlers import Ports, day_permits_used, grant, purge, revoke
from anpr_runtime import RetriableError

from .builders import POLICY, a_day_permit, an_exemption
from .fakes import FakeExemptionRepository, FakeReadLog, FakeRetentionRepository, FakeTombstones

DAYS = RetentionPolicy(expired_days=30, revoked_days=10, read_log_days=60)
GRANTED = datetime(2026, 1, 5, 9, tzinfo=UTC)
REVOKED_AT = datetime(2026, 3, 1, 12, tzinfo=UTC)
ENDS = datetime(2026, 6, 1, tzinfo=UTC)
DESK = Actor("desk-1", "Desk One")
JUST = timedelta(seconds=1)
# The permit fakes hold no applications: the counter's purge is tested against PostgreSQL.
NO_APPLICATIONS = {"application_documents": 0, "applications": 0}


@pytest.fixture
def reads() -> FakeReadLog:
    return FakeReadLog()


@pytest.fixture
def store(repo: FakeExemptionRepository, reads: FakeReadLog) -> FakeRetentionRepository:
    return FakeRetentionRepository(repo, reads)


@pytest.fixture
async def permits(ports: Ports) -> None:
    """ended: valid until 1 June; revoked: open-ended, revoked 1 March; open: open-ended and valid."""
    await grant(an_exemption("ended", valid_until=ENDS), DESK, GRANTED, ports)
    await grant(an_exemption("revoked", valid_until=None), DESK, GRANTED, ports)
    await revoke("revoked", DESK, REVOKED_AT, ports)
    await grant(an_exemption("open", valid_until=None), DESK, GRANTED, ports)


def test_the_fakes_have_every_method_of_the_ports() -> None:
    for port, fake in ((RetentionRepository, FakeRetentionRepository), (ReadLog, FakeReadLog)):
        wanted = {n for n, _ in inspect.getmembers(port, inspect.isfunction) if not n.startswith("_")}
        assert wanted <= set(dir(fake)), port.__name__


@pytest.mark.usefixtures("permits")
async def test_each_permit_class_is_kept_until_its_period_has_passed_then_purged_with_its_audit(
    repo: FakeExemptionRepository, store: FakeRetentionRepository
) -> None:
    tombstones = FakeTombstones()
    revoked_goes = REVOKED_AT + timedelta(days=10)
    ended_goes = ENDS + timedelta(days=30)

    assert await purge(revoked_goes, DAYS, store, tombstones) == {
        "expired": 0,
        "revoked": 0,
        "read_log": 0,
        **NO_APPLICATIONS,
    }
    assert await purge(revoked_goes + JUST, DAYS, store, tombstones) == {
        "expired": 0,
        "revoked": 1,
        "read_log": 0,
        **NO_APPLICATIONS,
    }
    assert set(repo.exemptions) == {"ended", "open"}
    assert await purge(ended_goes, DAYS, store, tombstones) == {
        "expired": 0,
        "revoked": 0,
        "read_log": 0,
        **NO_APPLICATIONS,
    }
    assert await purge(ended_goes + JUST, DAYS, store, tombstones) == {
        "expired": 1,
        "revoked": 0,
        "read_log": 0,
        **NO_APPLICATIONS,
    }

    assert set(repo.exemptions) == {"open"}
    assert {a.exemption_id for a in repo.audit} == {"open"}, "the audit trail (plate included) goes too"
    assert tombstones.buried == ["revoked", "ended"]
    assert await purge(datetime(2040, 1, 1, tzinfo=UTC), DAYS, store, tombstones) == {
        "expired": 0,
        "revoked": 0,
        "read_log": 0,
        **NO_APPLICATIONS,
    }, "an open-ended permit that is not revoked is never over"


async def test_a_day_permit_keeps_counting_against_its_years_quota_until_the_year_is_over(
    ports: Ports, repo: FakeExemptionRepository, store: FakeRetentionRepository
) -> None:
    await grant(a_day_permit(date(2026, 3, 10), "day"), DESK, GRANTED, ports)

    # Past its 30 days long ago, but purging it would give the vehicle its day back.
    assert (await purge(datetime(2026, 12, 1, tzinfo=UTC), DAYS, store, FakeTombstones()))["expired"] == 0
    assert (await day_permits_used("VX123B", 2026, repo, POLICY)).used == 1
    # 30 days after the last moment of 2026 in Amsterdam (23:00 UTC), not before.
    year_over = datetime(2026, 12, 31, 23, tzinfo=UTC) + timedelta(days=30)
    assert (await purge(year_over - JUST, DAYS, store, FakeTombstones()))["expired"] == 0
    assert (await purge(year_over, DAYS, store, FakeTombstones()))["expired"] == 1


async def test_read_log_rows_go_after_their_period(reads: FakeReadLog, store: FakeRetentionRepository) -> None:
    for day in (1, 2, 3):
        await reads.record(ReadEntry(datetime(2026, 1, day, tzinfo=UTC), "r-1", "R", "check", "review"))

    purged = await purge(datetime(2026, 1, 2, tzinfo=UTC) + timedelta(days=60), DAYS, store, FakeTombstones())

    assert purged["read_log"] == 1
    assert [e.at.day for e in reads.entries] == [2, 3]


@pytest.mark.usefixtures("permits")
async def test_a_tombstone_that_cannot_be_published_fails_the_purge(store: FakeRetentionRepository) -> None:
    tombstones = FakeTombstones()
    tombstones.broken = True

    with pytest.raises(RetriableError, match="tombstone"):
        await purge(datetime(2030, 1, 1, tzinfo=UTC), DAYS, store, tombstones)


def test_cutoffs_count_back_from_now_and_the_quota_year_in_amsterdam() -> None:
    limits = cutoffs(datetime(2027, 1, 30, 23, 30, tzinfo=UTC), DAYS)

    assert limits.expired_before == datetime(2026, 12, 31, 23, 30, tzinfo=UTC)  # 00:30 on 1 January in Amsterdam
    assert limits.day_permits_before == date(2027, 1, 1)
    assert limits.revoked_before == datetime(2027, 1, 20, 23, 30, tzinfo=UTC)
    assert limits.read_log_before == datetime(2026, 12, 1, 23, 30, tzinfo=UTC)


def test_the_policy_refuses_a_period_of_zero_days() -> None:
    with pytest.raises(ValueError, match="greater than or equal to 1"):
        RetentionPolicy(expired_days=0)
