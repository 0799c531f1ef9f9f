"""Reviewer decisions through the handler, with fakes: history, four-eyes, issuing, corrections."""

from datetime import timedelta
from uuid import UUID, uuid4

import pytest

from anpr_contracts import ReevaluateRead, RegimeMode
from anpr_notices.adapters.candidates import CandidateQuery
from anpr_notices.domain.model import Actor, RejectReason, Status
from anpr_notices.domain.workflow import FourEyesPolicy, Verdict
from anpr_notices.handlers import record_decision, store_candidate, with_review_flags
from anpr_notices.handlers.review import ReviewRules
from anpr_runtime import Conflict, NotFound, PermanentError
from anpr_runtime.pseudonym import vehicle_key
from anpr_runtime.publisher import FakeEventPublisher

from .conftest import KEY, NOW, REVIEWER_2, REVIEWER_3, a_candidate
from .fakes import FakeCandidateRepository

LATER = NOW + timedelta(minutes=5)
ACCEPT = Verdict("accept")
FOUR_EYES = {"milieuzone-centrum": FourEyesPolicy(below_confidence=0.9, first_offence=True)}


@pytest.fixture
def publisher() -> FakeEventPublisher:
    return FakeEventPublisher()


def rules(publisher: FakeEventPublisher, four_eyes: dict[str, FourEyesPolicy] | None = None) -> ReviewRules:
    return ReviewRules(four_eyes or {}, publisher, KEY)


async def stored(repo: FakeCandidateRepository, **kwargs: object) -> UUID:
    before = set(repo.candidates)
    assert await store_candidate(a_candidate(**kwargs), repo, KEY, NOW)  # type: ignore[arg-type]
    [candidate_id] = set(repo.candidates) - before
    return candidate_id


async def test_accept_issues_a_notice_and_keeps_who_decided(
    repo: FakeCandidateRepository, publisher: FakeEventPublisher
) -> None:
    candidate_id = await stored(repo)

    decided = await record_decision(candidate_id, ACCEPT, REVIEWER_2, LATER, repo, rules(publisher))

    assert decided["status"] is Status.NOTICE_ISSUED
    assert (decided["issued_at"], decided["issued_as"]) == (LATER, "notice")
    assert decided["needs_second_review"] is False
    assert [(d["by"], d["by_name"], d["at"], d["decision"]) for d in decided["decisions"]] == [
        ("reviewer-2", "Anna de Vries", LATER, "accept")
    ]
    assert repo.candidates[candidate_id]["status"] is Status.NOTICE_ISSUED
    assert repo.candidates[candidate_id]["retention_from"] == LATER  # issued records are kept for years
    assert publisher.published == []


async def test_accept_in_warn_mode_issues_a_warning(
    repo: FakeCandidateRepository, publisher: FakeEventPublisher
) -> None:
    candidate_id = await stored(repo, mode=RegimeMode.WARN)

    decided = await record_decision(candidate_id, ACCEPT, REVIEWER_2, LATER, repo, rules(publisher))

    assert (decided["status"], decided["issued_as"]) == (Status.WARNING_ISSUED, "warning")


async def test_accepting_a_review_only_candidate_never_issues(
    repo: FakeCandidateRepository, publisher: FakeEventPublisher
) -> None:
    candidate_id = await stored(repo, enforceable=False, fine_eur=None)

    decided = await record_decision(candidate_id, ACCEPT, REVIEWER_2, LATER, repo, rules(publisher))

    assert decided["status"] is Status.ACCEPTED_NO_NOTICE
    assert decided["issued_at"] is None


async def test_low_confidence_needs_two_different_reviewers(
    repo: FakeCandidateRepository, publisher: FakeEventPublisher
) -> None:
    candidate_id = await stored(repo, confidence=0.8)
    policy = rules(publisher, {"milieuzone-centrum": FourEyesPolicy(below_confidence=0.9)})

    first = await record_decision(candidate_id, ACCEPT, REVIEWER_2, LATER, repo, policy)
    assert (first["status"], first["needs_second_review"]) == (Status.AWAITING_SECOND_REVIEW, True)
    with pytest.raises(Conflict, match="different reviewer"):
        await record_decision(candidate_id, ACCEPT, REVIEWER_2, LATER, repo, policy)
    second = await record_decision(candidate_id, ACCEPT, REVIEWER_3, LATER, repo, policy)

    assert second["status"] is Status.NOTICE_ISSUED
    assert [d["by"] for d in second["decisions"]] == ["reviewer-2", "reviewer-3"]


async def test_four_eyes_compares_people_by_subject_never_by_display_name(
    repo: FakeCandidateRepository, publisher: FakeEventPublisher
) -> None:
    policy = rules(publisher, {"milieuzone-centrum": FourEyesPolicy(below_confidence=0.9)})
    namesake = await stored(repo, confidence=0.8)
    renamed = await stored(repo, confidence=0.8, candidate_key="milieuzone-centrum:renamed")
    jan_1, jan_2 = Actor("sub-jan-1", "Jan de Jong"), Actor("sub-jan-2", "Jan de Jong")

    await record_decision(namesake, ACCEPT, jan_1, LATER, repo, policy)
    second = await record_decision(namesake, ACCEPT, jan_2, LATER, repo, policy)  # two people, one name
    await record_decision(renamed, ACCEPT, jan_1, LATER, repo, policy)
    with pytest.raises(Conflict, match="different reviewer"):  # one person whose name changed meanwhile
        await record_decision(renamed, ACCEPT, Actor("sub-jan-1", "Jan de Jong-Visser"), LATER, repo, policy)

    assert second["status"] is Status.NOTICE_ISSUED
    assert [(d["by"], d["by_name"]) for d in second["decisions"]] == [
        ("sub-jan-1", "Jan de Jong"),
        ("sub-jan-2", "Jan de Jong"),
    ]


async def test_first_offence_needs_a_second_reviewer_and_a_later_one_does_not(
    repo: FakeCandidateRepository, publisher: FakeEventPublisher
) -> None:
    policy = rules(publisher, FOUR_EYES)
    first = await stored(repo)
    other_regime = await stored(
        repo, read_id="00000000-0000-4000-8000-000000000009", regime_id="ze-centrum", candidate_key="ze-centrum:9"
    )
    await record_decision(other_regime, ACCEPT, REVIEWER_2, LATER, repo, rules(publisher))

    assert (await record_decision(first, ACCEPT, REVIEWER_2, LATER, repo, policy))["needs_second_review"]
    await record_decision(first, ACCEPT, REVIEWER_3, LATER, repo, policy)  # now a confirmed offence

    again = await stored(repo, read_id="00000000-0000-4000-8000-000000000002")
    [flagged] = await with_review_flags([await repo.get(again)], FOUR_EYES, repo)  # type: ignore[list-item]
    assert flagged["needs_second_review"] is False
    decided = await record_decision(again, ACCEPT, REVIEWER_2, LATER, repo, policy)
    assert decided["status"] is Status.NOTICE_ISSUED


async def test_review_flags_of_a_page(repo: FakeCandidateRepository) -> None:
    sure = await stored(repo)
    unsure = await stored(repo, read_id="00000000-0000-4000-8000-000000000002", confidence=0.5)
    policy = {"milieuzone-centrum": FourEyesPolicy(below_confidence=0.9)}

    flagged = await with_review_flags([c for c in repo.candidates.values()], policy, repo)

    assert {c["candidate_id"]: c["needs_second_review"] for c in flagged} == {sure: False, unsure: True}


async def test_correction_publishes_the_corrected_read_to_rules(
    repo: FakeCandidateRepository, publisher: FakeEventPublisher
) -> None:
    candidate = a_candidate()
    assert await store_candidate(candidate, repo, KEY, NOW)
    [candidate_id] = repo.candidates
    original = candidate.read

    verdict = Verdict("reject", RejectReason.MISREAD, corrected_plate="63HKHB")
    decided = await record_decision(candidate_id, verdict, REVIEWER_2, LATER, repo, rules(publisher))

    assert decided["status"] is Status.REEVALUATING
    assert decided["decisions"][-1]["corrected_plate"] == "63HKHB"
    [(topic, key, command)] = publisher.published
    assert topic == "anpr.commands.v1"
    assert key == vehicle_key("63HKHB", KEY)
    assert isinstance(command, ReevaluateRead)
    assert (command.candidate_key, command.regime_id, command.requested_by) == (
        a_candidate().candidate_key,
        "milieuzone-centrum",
        "reviewer-2",
    )
    assert command.read.plate == "63HKHB"
    assert command.read.formatted is None
    assert command.read.model_dump(exclude={"plate", "formatted"}) == original.model_dump(
        exclude={"plate", "formatted"}
    )
    assert command.correlation_id == original.correlation_id


async def test_decision_history_accumulates_and_a_final_decision_cannot_change(
    repo: FakeCandidateRepository, publisher: FakeEventPublisher
) -> None:
    candidate_id = await stored(repo)
    await record_decision(
        candidate_id, Verdict("reject", RejectReason.EXEMPT), REVIEWER_2, LATER, repo, rules(publisher)
    )

    with pytest.raises(Conflict, match="already rejected"):
        await record_decision(candidate_id, ACCEPT, REVIEWER_3, LATER, repo, rules(publisher))

    assert [d["reason"] for d in repo.candidates[candidate_id]["decisions"]] == [RejectReason.EXEMPT]


async def test_refused_decision_leaves_no_trace(repo: FakeCandidateRepository, publisher: FakeEventPublisher) -> None:
    candidate_id = await stored(repo)

    with pytest.raises(PermanentError, match="reason"):
        await record_decision(candidate_id, Verdict("reject"), REVIEWER_2, LATER, repo, rules(publisher))

    assert repo.candidates[candidate_id]["status"] is Status.PENDING
    assert repo.candidates[candidate_id]["decisions"] == []


async def test_deciding_an_unknown_candidate_is_not_found(
    repo: FakeCandidateRepository, publisher: FakeEventPublisher
) -> None:
    with pytest.raises(NotFound):
        await record_decision(uuid4(), ACCEPT, REVIEWER_2, LATER, repo, rules(publisher))


async def test_queue_pages_in_both_directions(repo: FakeCandidateRepository) -> None:
    ids = [await stored(repo, read_id=f"00000000-0000-4000-8000-00000000000{n}") for n in range(1, 6)]
    for n, candidate_id in enumerate(ids):
        repo.candidates[candidate_id]["observed_at"] = NOW + timedelta(minutes=n)

    oldest = await repo.find(CandidateQuery(limit=2))
    newest = await repo.find(CandidateQuery(limit=2, newest_first=True, before=ids[3]))

    assert [c["candidate_id"] for c in oldest] == ids[:2]
    assert [c["candidate_id"] for c in await repo.find(CandidateQuery(after=ids[1]))] == ids[2:]
    assert [c["candidate_id"] for c in newest] == [ids[2], ids[1]]
