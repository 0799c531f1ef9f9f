from enum import StrEnum

from anpr_runtime import Conflict


class Status(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class RejectReason(StrEnum):
    MISREAD = "misread"
    EXEMPT = "exempt"
    EMERGENCY_VEHICLE = "emergency_vehicle"
    SIGN_NOT_VISIBLE = "sign_not_visible"
    NOT_IN_ZONE = "not_in_zone"
    DUPLICATE = "duplicate"
    OTHER = "other"


def decide(current: Status, decision: str) -> Status:
    """Only a pending candidate can be decided; a decision is final (four-eyes comes later)."""
    if current is not Status.PENDING:
        raise Conflict(f"candidate is already {current}")
    return Status.ACCEPTED if decision == "accept" else Status.REJECTED
