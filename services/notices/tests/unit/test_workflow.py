"""The review state machine, pure: every transition and every refusal."""

import pytest

from anpr_notices.domain.model import OPEN, RejectReason, Status
from anpr_notices.domain.workflow import (
    Case,
    FourEyesPolicy,
    Verdict,
    answered,
    issued,
    needs_second_review,
    next_status,
)
from anpr_runtime import Conflict, PermanentError

ACCEPT = Verdict("accept")
REJECT = Verdict("reject", RejectReason.SIGN_NOT_VISIBLE)


def a_case(**overrides: object) -> Case:
    fields: dict[str, object] = {"status": Status.PENDING, "plate": "63HKHD", "mode": "enforce", "enforceable": True}
    fields.update(overrides)
    return Case(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("mode", "enforceable", "expected"),
    [
        ("enforce", True, Status.NOTICE_ISSUED),
        ("warn", True, Status.WARNING_ISSUED),
        ("enforce", False, Status.ACCEPTED_NO_NOTICE),
        ("warn", False, Status.ACCEPTED_NO_NOTICE),
        ("observe", True, Status.ACCEPTED_NO_NOTICE),
    ],
)
def test_acceptance_issues_what_the_mode_and_enforceability_allow(
    mode: str, enforceable: bool, expected: Status
) -> None:
    assert next_status(a_case(mode=mode, enforceable=enforceable), ACCEPT, "reviewer-2") is expected
    assert issued(mode, enforceable) is expected


def test_rejection_with_a_reason_is_final() -> None:
    assert next_status(a_case(), REJECT, "reviewer-2") is Status.REJECTED


def test_four_eyes_acceptance_waits_for_a_second_reviewer() -> None:
    first = next_status(a_case(needs_second_review=True), ACCEPT, "reviewer-2")
    assert first is Status.AWAITING_SECOND_REVIEW

    waiting = a_case(status=first, accepted_by=("reviewer-2",), needs_second_review=True)
    assert next_status(waiting, ACCEPT, "reviewer-3") is Status.NOTICE_ISSUED
    assert next_status(waiting, REJECT, "reviewer-3") is Status.REJECTED


@pytest.mark.parametrize("verdict", [ACCEPT, REJECT, Verdict("accept", corrected_plate="63HKHB")])
def test_the_first_reviewer_cannot_be_the_second(verdict: Verdict) -> None:
    waiting = a_case(status=Status.AWAITING_SECOND_REVIEW, accepted_by=("reviewer-2",))
    with pytest.raises(Conflict, match="different reviewer") as caught:
        next_status(waiting, verdict, "reviewer-2")
    assert caught.value.status_code == 409


def test_rejection_needs_no_second_reviewer() -> None:
    assert next_status(a_case(needs_second_review=True), REJECT, "reviewer-2") is Status.REJECTED


@pytest.mark.parametrize(
    "verdict",
    [Verdict("accept", corrected_plate="63HKHB"), Verdict("reject", RejectReason.MISREAD, corrected_plate="63HKHB")],
)
def test_a_corrected_plate_sends_the_candidate_to_rules(verdict: Verdict) -> None:
    assert next_status(a_case(), verdict, "reviewer-2") is Status.REEVALUATING
    assert next_status(a_case(needs_second_review=True), verdict, "reviewer-2") is Status.REEVALUATING


@pytest.mark.parametrize("current", sorted(set(Status) - OPEN))
@pytest.mark.parametrize("verdict", [ACCEPT, REJECT])
def test_only_an_open_candidate_can_be_decided(current: Status, verdict: Verdict) -> None:
    with pytest.raises(Conflict, match=f"already {current}"):
        next_status(a_case(status=current), verdict, "reviewer-2")


@pytest.mark.parametrize(
    ("verdict", "message"),
    [
        (Verdict("reject"), "needs a reason"),
        (Verdict("reject", RejectReason.OTHER), "needs a text"),
        (Verdict("reject", RejectReason.OTHER, ""), "needs a text"),
        (Verdict("accept", RejectReason.EXEMPT), "no rejection reason"),
        (Verdict("reject", RejectReason.EXEMPT, corrected_plate="63HKHB"), "misread"),
        (Verdict("accept", corrected_plate="63HKHD"), "already read"),
    ],
)
def test_invalid_decisions_are_refused(verdict: Verdict, message: str) -> None:
    with pytest.raises(PermanentError, match=message) as caught:
        next_status(a_case(), verdict, "reviewer-2")
    assert caught.value.status_code == 422


def test_other_with_a_text_is_a_valid_rejection() -> None:
    verdict = Verdict("reject", RejectReason.OTHER, "delivery van of the market")
    assert next_status(a_case(), verdict, "reviewer-2") is Status.REJECTED


@pytest.mark.parametrize(
    ("policy", "confidence", "earlier", "expected"),
    [
        (None, 0.1, False, False),
        (FourEyesPolicy(), 0.1, False, False),
        (FourEyesPolicy(below_confidence=0.9), 0.89, True, True),
        (FourEyesPolicy(below_confidence=0.9), 0.9, False, False),
        (FourEyesPolicy(first_offence=True), 0.99, False, True),
        (FourEyesPolicy(first_offence=True), 0.99, True, False),
        (FourEyesPolicy(below_confidence=0.9, first_offence=True), 0.5, True, True),
    ],
)
def test_four_eyes_policy(policy: FourEyesPolicy | None, confidence: float, earlier: bool, expected: bool) -> None:
    assert needs_second_review(policy, confidence, earlier) is expected


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ({"mz": "candidate"}, None),
        ({"mz": "not_enforceable"}, None),
        ({"mz": "no_hit"}, Status.CORRECTED_NO_VIOLATION),
        ({"mz": "exempt"}, Status.CORRECTED_NO_VIOLATION),
        ({}, Status.CORRECTED_NO_VIOLATION),
        ({"mz": "duplicate"}, Status.CORRECTED_DUPLICATE),
    ],
)
def test_answer_of_rules_closes_a_correction_only_when_nothing_replaces_it(
    outcomes: dict[str, str], expected: Status | None
) -> None:
    assert answered(outcomes) is expected
