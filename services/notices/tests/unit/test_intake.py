"""Candidates and correction answers from rules, with fakes."""

from datetime import timedelta

from anpr_contracts import ReadReevaluated
from anpr_notices.domain.model import RejectReason, Status
from anpr_notices.domain.workflow import Verdict
from anpr_notices.handlers import (
    Intake,
    ReviewRules,
    close_reevaluated,
    record_decision,
    store_candidate,
    store_candidates,
    take_answer,
    take_candidate,
)
from anpr_runtime.pseudonym import vehicle_key
from anpr_runtime.publisher import FakeEventPublisher

from .conftest import KEY, NOW, REVIEWER_2, a_candidate
from .fakes import FakeCandidateRepository

LATER = NOW + timedelta(minutes=5)
MISREAD = a_candidate(plate="63HKH0")


async def reevaluating(repo: FakeCandidateRepository) -> dict[str, object]:
    assert await store_candidate(MISREAD, repo, KEY, NOW)
    [candidate_id] = repo.candidates
    correction = Verdict("reject", RejectReason.MISREAD, corrected_plate="63HKHD")
    await record_decision(candidate_id, correction, REVIEWER_2, LATER, repo, ReviewRules({}, FakeEventPublisher(), KEY))
    return repo.candidates[candidate_id]


async def test_redelivered_candidate_is_stored_once(repo: FakeCandidateRepository) -> None:
    assert await store_candidate(a_candidate(), repo, KEY, NOW) is True
    assert await store_candidate(a_candidate(), repo, KEY, LATER) is False
    assert await store_candidate(a_candidate("00000000-0000-4000-8000-000000000002"), repo, KEY, LATER) is True

    assert len(repo.candidates) == 2
    assert {c["vehicle_key"] for c in repo.candidates.values()} == {vehicle_key("63HKHD", KEY)}


async def test_replacing_candidate_closes_the_corrected_one_and_links_both(repo: FakeCandidateRepository) -> None:
    old = await reevaluating(repo)
    corrected = a_candidate(candidate_key=f"{MISREAD.candidate_key}:corrected", replaces=MISREAD.candidate_key)

    assert await store_candidate(corrected, repo, KEY, LATER)
    assert not await store_candidate(corrected, repo, KEY, LATER)  # redelivered: nothing changes twice

    new = next(c for c in repo.candidates.values() if c["candidate_key"] == corrected.candidate_key)
    assert old["status"] is Status.REPLACED
    assert old["replaced_by_id"] == new["candidate_id"]
    assert old["retention_from"] == LATER
    assert (new["status"], new["replaces_id"], new["plate"]) == (Status.PENDING, old["candidate_id"], "63HKHD")


async def test_answer_without_a_candidate_closes_the_correction(repo: FakeCandidateRepository) -> None:
    old = await reevaluating(repo)

    answer = ReadReevaluated(candidate_key=MISREAD.candidate_key, outcomes={"milieuzone-centrum": "no_hit"})
    assert await close_reevaluated(answer, repo, LATER) is Status.CORRECTED_NO_VIOLATION
    assert await close_reevaluated(answer, repo, LATER) is None  # redelivered

    assert old["status"] is Status.CORRECTED_NO_VIOLATION


async def test_answer_after_the_replacing_candidate_changes_nothing(repo: FakeCandidateRepository) -> None:
    old = await reevaluating(repo)
    corrected = a_candidate(candidate_key=f"{MISREAD.candidate_key}:corrected", replaces=MISREAD.candidate_key)
    await store_candidate(corrected, repo, KEY, LATER)

    answer = ReadReevaluated(candidate_key=MISREAD.candidate_key, outcomes={"milieuzone-centrum": "candidate"})
    assert await close_reevaluated(answer, repo, LATER) is None

    assert old["status"] is Status.REPLACED


async def test_answer_duplicate_closes_as_duplicate(repo: FakeCandidateRepository) -> None:
    old = await reevaluating(repo)

    answer = ReadReevaluated(candidate_key=MISREAD.candidate_key, outcomes={"milieuzone-centrum": "duplicate"})
    assert await close_reevaluated(answer, repo, LATER) is Status.CORRECTED_DUPLICATE
    assert old["status"] is Status.CORRECTED_DUPLICATE


async def test_replacement_of_a_candidate_nobody_corrected_leaves_it_alone(repo: FakeCandidateRepository) -> None:
    assert await store_candidate(MISREAD, repo, KEY, NOW)
    corrected = a_candidate(candidate_key=f"{MISREAD.candidate_key}:corrected", replaces=MISREAD.candidate_key)

    assert await store_candidate(corrected, repo, KEY, LATER)

    statuses = sorted(c["status"] for c in repo.candidates.values())
    assert statuses == [Status.PENDING, Status.PENDING]


async def test_candidates_stored_together_count_only_the_new_ones(repo: FakeCandidateRepository) -> None:
    assert await store_candidate(a_candidate(), repo, KEY, NOW)
    other = a_candidate("00000000-0000-4000-8000-000000000002")

    assert await store_candidates([a_candidate(), other, other], repo, KEY, LATER) == 1
    assert len(repo.candidates) == 2


async def test_intake_keeps_the_partition_order_around_a_correction(repo: FakeCandidateRepository) -> None:
    old = await reevaluating(repo)
    intake = Intake(repo, KEY, clock=lambda: LATER)
    plain = a_candidate("00000000-0000-4000-8000-000000000002")
    corrected = a_candidate(candidate_key=f"{MISREAD.candidate_key}:corrected", replaces=MISREAD.candidate_key)
    answer = ReadReevaluated(candidate_key=MISREAD.candidate_key, outcomes={"milieuzone-centrum": "candidate"})

    await take_candidate(plain, intake)
    assert intake.waiting == [plain]  # waits for the statement of its run
    assert len(repo.candidates) == 1
    await take_candidate(corrected, intake)
    assert intake.waiting == []  # the plain one stored first, then the replacement
    assert len(repo.candidates) == 3
    await take_answer(answer, intake)
    await intake.flush()

    assert old["status"] is Status.REPLACED
