from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Actor:
    """Who acted: `subject` is stable (a person's OIDC `sub`, a machine token's name) and is what is
    compared (four-eyes, audit filters); `name` is shown to people beside it."""

    subject: str
    name: str


class Status(StrEnum):
    """Where a candidate is in the review workflow (see `workflow` for the transitions)."""

    PENDING = "pending"
    AWAITING_SECOND_REVIEW = "awaiting_second_review"  # four-eyes: accepted once, a different reviewer next
    ACCEPTED = "accepted"  # only rows decided before issuing followed acceptance (migration 0003)
    ACCEPTED_NO_NOTICE = "accepted_no_notice"  # review only (not enforceable): confirmed, never a notice
    NOTICE_ISSUED = "notice_issued"
    WARNING_ISSUED = "warning_issued"
    EXPORTED = "exported"
    REJECTED = "rejected"
    REEVALUATING = "reevaluating"  # plate corrected: rules judges the corrected read
    REPLACED = "replaced"  # the corrected read became a new candidate
    CORRECTED_NO_VIOLATION = "corrected_no_violation"  # the corrected read broke no rule
    CORRECTED_DUPLICATE = "corrected_duplicate"  # the corrected vehicle already had a candidate that period


class RejectReason(StrEnum):
    MISREAD = "misread"
    EXEMPT = "exempt"
    EMERGENCY_VEHICLE = "emergency_vehicle"
    SIGN_NOT_VISIBLE = "sign_not_visible"
    NOT_IN_ZONE = "not_in_zone"
    DUPLICATE = "duplicate"
    OTHER = "other"


OPEN = frozenset({Status.PENDING, Status.AWAITING_SECOND_REVIEW})
ISSUED = frozenset({Status.NOTICE_ISSUED, Status.WARNING_ISSUED})
# A confirmed offence: what "first offence" looks back at.
CONFIRMED = frozenset({Status.ACCEPTED, Status.ACCEPTED_NO_NOTICE, *ISSUED, Status.EXPORTED})
