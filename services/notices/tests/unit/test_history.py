"""Offender history with fakes: the same vehicle, the same regime, earlier only, newest first, capped."""

from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from anpr_contracts import CandidateRaised
from anpr_notices.domain.history import HISTORY_LIMIT
from anpr_notices.domain.model import RejectReason
from anpr_notices.domain.workflow import Verdict
from anpr_notices.handlers import offender_history, record_decision, store_candidate
from anpr_notices.handlers.review import ReviewRules
from anpr_runtime import NotFound
from anpr_runtime.publisher import FakeEventPublisher

from .conftest import KEY, NOW, REVIEWER_2, a_candidate
from .fakes import FakeCandidateRepository


async def stored(repo: FakeCandidateRepository, n: int, hours_ago: float, **kwargs: object) -> UUID:
    candidate = a_candidate(f"00000000-0000-4000-8000-{n:012d}", **kwargs)  # type: ignore[arg-type]
    moved = candidate.read.model_copy(update={"observed_at": NOW - timedelta(hours=hours_ago)})
    candidate = CandidateRaised.model_validate(
        {**candidate.model_dump(), "read": moved, "candidate_key": f"{candidate.regime_id}:{n}"}
    )
    assert await store_candidate(candidate, repo, KEY, NOW)
    return next(cid for cid, c in repo.candidates.items() if c["candidate_key"] == candidate.candidate_key)


async def test_history_is_the_vehicles_earlier_candidates_in_the_same_regime_newest_first(
    repo: FakeCandidateRepository,
) -> None:
    oldest = await stored(repo, 1, 30)
    rejected = await stored(repo, 2, 20)
    await stored(repo, 3, 10, regime_id="zone-zero-emissie")  # another regime: never shown
    await stored(repo, 4, 15, plate="99ZZZ9")  # another vehicle
    current = await stored(repo, 5, 1)
    await stored(repo, 6, 0.5)  # seen after the current one: not history
    rules = ReviewRules({}, FakeEventPublisher(), KEY)
    await record_decision(rejected, Verdict("reject", RejectReason.EXEMPT), REVIEWER_2, NOW, repo, rules)

    items = await offender_history(current, repo)

    assert [item["id"] for item in items] == [str(rejected), str(oldest)]
    first = items[0]
    assert (first["status"], first["decision"], first["reason"]) == ("rejected", "reject", "exempt")
    assert (first["decided_by"], first["decided_by_name"]) == ("reviewer-2", "Anna de Vries")
    assert first["location"] == "loc-centrum-noord"
    assert first["observed_at"] == NOW - timedelta(hours=20)
    assert (items[1]["decision"], items[1]["decided_by"], items[1]["decided_by_name"]) == (None, None, None)


async def test_history_is_capped(repo: FakeCandidateRepository) -> None:
    for n in range(HISTORY_LIMIT + 3):
        await stored(repo, n + 1, 100 - n)
    current = await stored(repo, 99, 1)

    items = await offender_history(current, repo)

    assert len(items) == HISTORY_LIMIT
    assert items[0]["observed_at"] == NOW - timedelta(hours=100 - (HISTORY_LIMIT + 2))  # the newest earlier one


async def test_history_of_an_unknown_candidate_is_not_found(repo: FakeCandidateRepository) -> None:
    with pytest.raises(NotFound):
        await offender_history(uuid4(), repo)
