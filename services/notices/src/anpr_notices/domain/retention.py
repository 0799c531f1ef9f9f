"""How long each class of record is kept, counted from when the candidate entered that class.

Every status belongs to exactly one class, so no record escapes the purge. Evidence images and the
decision history are deleted with their candidate."""

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from anpr_notices.domain.model import Status


class RetentionPolicy(BaseModel):
    """Days each record class is kept (configuration: the legal periods differ per municipality)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rejected_days: int = Field(default=28, ge=1)
    corrected_days: int = Field(default=28, ge=1)
    accepted_not_issued_days: int = Field(default=90, ge=1)
    issued_days: int = Field(default=1827, ge=1)  # 5 years, leap days included
    # Wahv: a notice must go out within four months of the offence; a candidate nobody reviewed by
    # then can never become one, so keeping its plate and photos serves no purpose.
    unreviewed_days: int = Field(default=123, ge=1)


RECORD_CLASSES: dict[str, frozenset[Status]] = {
    "rejected": frozenset({Status.REJECTED}),
    "corrected": frozenset({Status.REPLACED, Status.CORRECTED_NO_VIOLATION, Status.CORRECTED_DUPLICATE}),
    "accepted_not_issued": frozenset({Status.ACCEPTED, Status.ACCEPTED_NO_NOTICE}),
    "issued": frozenset({Status.NOTICE_ISSUED, Status.WARNING_ISSUED, Status.EXPORTED}),
    "unreviewed": frozenset({Status.PENDING, Status.AWAITING_SECOND_REVIEW, Status.REEVALUATING}),
}


def record_class(status: Status) -> str:
    return next(name for name, statuses in RECORD_CLASSES.items() if status in statuses)


def cutoffs(now: datetime, policy: RetentionPolicy) -> list[tuple[str, frozenset[Status], datetime]]:
    """Per class: its statuses and the moment before which a record of that class is purged."""
    return [
        (name, statuses, now - timedelta(days=getattr(policy, f"{name}_days")))
        for name, statuses in RECORD_CLASSES.items()
    ]
