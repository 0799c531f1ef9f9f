"""The review workflow as a pure state machine.

    pending --accept--> notice_issued | warning_issued | accepted_no_notice   (issued on acceptance)
    pending --accept (four-eyes)--> awaiting_second_review --accept by another reviewer--> issued as above
    pending | awaiting_second_review --reject--> rejected
    pending | awaiting_second_review --decision with corrected_plate--> reevaluating
    reevaluating --rules answers--> replaced | corrected_no_violation | corrected_duplicate
    notice_issued | warning_issued --export batch--> exported

Issuing follows acceptance at once: the human decision is the check the law asks for, and the export
batch (a supervisor's act) is when a notice leaves the system, so a separate "issue" click adds nothing."""

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from anpr_notices.domain.model import OPEN, RejectReason, Status
from anpr_runtime import Conflict, PermanentError


class FourEyesPolicy(BaseModel):
    """When a regime's acceptance needs a second, different reviewer."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    below_confidence: float | None = Field(default=None, ge=0, le=1)
    first_offence: bool = False


@dataclass(frozen=True)
class Verdict:
    """A reviewer's decision as submitted."""

    decision: Literal["accept", "reject"]
    reason: RejectReason | None = None
    reason_text: str | None = None
    corrected_plate: str | None = None


@dataclass(frozen=True)
class Case:
    """What the workflow needs to know about a candidate."""

    status: Status
    plate: str
    mode: str
    enforceable: bool
    accepted_by: tuple[str, ...] = ()
    needs_second_review: bool = False


def needs_second_review(policy: FourEyesPolicy | None, confidence: float, earlier_offence: bool) -> bool:
    if policy is None:
        return False
    if policy.below_confidence is not None and confidence < policy.below_confidence:
        return True
    return policy.first_offence and not earlier_offence


def check(verdict: Verdict, plate: str) -> None:
    if verdict.decision == "reject" and verdict.reason is None:
        raise PermanentError("a rejection needs a reason")
    if verdict.decision == "accept" and verdict.reason is not None:
        raise PermanentError("an acceptance has no rejection reason")
    if verdict.reason is RejectReason.OTHER and not verdict.reason_text:
        raise PermanentError("reason 'other' needs a text")
    if verdict.corrected_plate is not None:
        if verdict.decision == "reject" and verdict.reason is not RejectReason.MISREAD:
            raise PermanentError("a corrected plate goes with accept or with reject for reason 'misread'")
        if verdict.corrected_plate == plate:
            raise PermanentError("the corrected plate is the plate already read")


def next_status(case: Case, verdict: Verdict, reviewer: str) -> Status:
    check(verdict, case.plate)
    if case.status not in OPEN:
        raise Conflict(f"candidate is already {case.status}")
    if case.status is Status.AWAITING_SECOND_REVIEW and reviewer in case.accepted_by:
        raise Conflict("the second review must be done by a different reviewer")
    if verdict.corrected_plate is not None:
        return Status.REEVALUATING
    if verdict.decision == "reject":
        return Status.REJECTED
    if case.status is Status.PENDING and case.needs_second_review:
        return Status.AWAITING_SECOND_REVIEW
    return issued(case.mode, case.enforceable)


def issued(mode: str, enforceable: bool) -> Status:
    """accepted -> what goes out: a review-only candidate never becomes a notice or a letter."""
    if not enforceable:
        return Status.ACCEPTED_NO_NOTICE
    if mode == "enforce":
        return Status.NOTICE_ISSUED
    if mode == "warn":
        return Status.WARNING_ISSUED
    return Status.ACCEPTED_NO_NOTICE  # observe mode raises no candidates; nothing to send if one slips in


def answered(outcomes: dict[str, str]) -> Status | None:
    """reevaluating -> closed, when rules published no replacing candidate (None: one is on its way)."""
    found = set(outcomes.values())
    if found & {"candidate", "not_enforceable"}:
        return None
    return Status.CORRECTED_DUPLICATE if "duplicate" in found else Status.CORRECTED_NO_VIOLATION
