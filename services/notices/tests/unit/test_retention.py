"""The purge with a clock the test controls: each record class goes after its own period, nothing else."""

from datetime import datetime, timedelta
from uuid import UUID

import pytest

from anpr_notices.domain.model import Status
from anpr_notices.domain.retention import RECORD_CLASSES, RetentionPolicy, cutoffs, record_class
from anpr_notices.handlers import purge, store_candidate

from .conftest import KEY, NOW, a_candidate
from .fakes import FakeCandidateRepository, FakeRetentionRepository

POLICY = RetentionPolicy(
    rejected_days=28, corrected_days=14, accepted_not_issued_days=90, issued_days=1827, unreviewed_days=123
)
DAY = timedelta(days=1)


def test_every_status_is_in_exactly_one_record_class() -> None:
    classes = [status for statuses in RECORD_CLASSES.values() for status in statuses]
    assert sorted(classes) == sorted(Status)
    assert set(RECORD_CLASSES) == {name.removesuffix("_days") for name in RetentionPolicy.model_fields}


def test_cutoff_per_class_is_now_minus_its_period() -> None:
    found = {name: before for name, _, before in cutoffs(NOW, POLICY)}
    assert found["rejected"] == NOW - 28 * DAY
    assert found["corrected"] == NOW - 14 * DAY
    assert found["issued"] == NOW - 1827 * DAY
    assert record_class(Status.EXPORTED) == "issued"


async def put(repo: FakeCandidateRepository, n: int, status: Status, settled: datetime) -> UUID:
    assert await store_candidate(a_candidate(f"00000000-0000-4000-8000-{n:012d}"), repo, KEY, settled)
    candidate_id = next(cid for cid, c in repo.candidates.items() if c["candidate_key"].endswith(f"{n:012d}"))
    await repo.set_status(candidate_id, status, {"retention_from": settled})
    return candidate_id


@pytest.mark.parametrize(
    ("status", "days"),
    [
        (Status.REJECTED, 28),
        (Status.REPLACED, 14),
        (Status.CORRECTED_NO_VIOLATION, 14),
        (Status.CORRECTED_DUPLICATE, 14),
        (Status.ACCEPTED_NO_NOTICE, 90),
        (Status.ACCEPTED, 90),
        (Status.NOTICE_ISSUED, 1827),
        (Status.WARNING_ISSUED, 1827),
        (Status.EXPORTED, 1827),
        (Status.PENDING, 123),
        (Status.AWAITING_SECOND_REVIEW, 123),
        (Status.REEVALUATING, 123),
    ],
)
async def test_each_class_is_kept_exactly_its_period(repo: FakeCandidateRepository, status: Status, days: int) -> None:
    expired = await put(repo, 1, status, NOW - days * DAY - timedelta(seconds=1))
    on_the_edge = await put(repo, 2, status, NOW - days * DAY)
    fresh = await put(repo, 3, status, NOW - DAY)

    purged = await purge(NOW, POLICY, FakeRetentionRepository(repo))

    assert purged[record_class(status)] == 1
    assert sum(purged.values()) == 1
    assert set(repo.candidates) == {on_the_edge, fresh}
    assert not any(cid == expired for cid, _ in repo.evidence_store)  # the photos went with it


async def test_purge_with_a_later_clock_takes_the_next_class(repo: FakeCandidateRepository) -> None:
    rejected = await put(repo, 1, Status.REJECTED, NOW)
    accepted = await put(repo, 2, Status.ACCEPTED_NO_NOTICE, NOW)
    issued = await put(repo, 3, Status.NOTICE_ISSUED, NOW)
    retention = FakeRetentionRepository(repo)

    assert sum((await purge(NOW + 28 * DAY, POLICY, retention)).values()) == 0
    assert sum((await purge(NOW + 29 * DAY, POLICY, retention)).values()) == 1
    assert set(repo.candidates) == {accepted, issued}
    await purge(NOW + 91 * DAY, POLICY, retention)
    assert set(repo.candidates) == {issued}
    await purge(NOW + 1828 * DAY, POLICY, retention)
    assert repo.candidates == {}
    assert rejected not in repo.candidates


async def test_purge_unlinks_a_replacement_from_the_purged_original(repo: FakeCandidateRepository) -> None:
    old = await put(repo, 1, Status.REPLACED, NOW - 30 * DAY)
    new = await put(repo, 2, Status.PENDING, NOW - 30 * DAY)
    await repo.set_status(new, Status.PENDING, {"replaces_id": old, "retention_from": NOW})

    await purge(NOW, POLICY, FakeRetentionRepository(repo))

    assert repo.candidates[new]["replaces_id"] is None
