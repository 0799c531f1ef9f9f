"""Applications at the permit counter: what a resident or business asks for, and its workflow.

    submitted -> granted | refused | needs_information | withdrawn
    needs_information -> submitted (the applicant answered) | refused | withdrawn

granted, refused and withdrawn are final. A day permit is decided at once (submitted -> granted in one
transaction); the other kinds wait in the permit desk's queue. Every step is kept (who, when, from, to,
reason): the applicant sees the reason of a refusal or a question.
"""

from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from anpr_exemptions.domain.errors import Coded, InvalidExemption, RefusalCode
from anpr_runtime import Conflict


class ApplicationKind(StrEnum):
    DAY_PERMIT = "day-permit"
    RESIDENT = "resident"
    BUSINESS = "business"
    DISABLED = "disabled"
    WORKS = "works"


class Status(StrEnum):
    SUBMITTED = "submitted"
    NEEDS_INFORMATION = "needs_information"
    GRANTED = "granted"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


FINAL = frozenset({Status.GRANTED, Status.REFUSED, Status.WITHDRAWN})
OPEN = frozenset({Status.SUBMITTED, Status.NEEDS_INFORMATION})
_NEXT: dict[Status, frozenset[Status]] = {
    Status.SUBMITTED: frozenset({Status.GRANTED, Status.REFUSED, Status.NEEDS_INFORMATION, Status.WITHDRAWN}),
    Status.NEEDS_INFORMATION: frozenset({Status.SUBMITTED, Status.REFUSED, Status.WITHDRAWN}),
}
# Steps only the applicant takes, and only on their own application; the desk takes the others.
BY_APPLICANT = frozenset({Status.SUBMITTED, Status.WITHDRAWN})
NEEDS_REASON = frozenset({Status.REFUSED, Status.NEEDS_INFORMATION})


class InvalidStep(Coded, Conflict):
    """The application's status does not allow this step (409)."""

    default_code = RefusalCode.STEP_NOT_ALLOWED


@dataclass(frozen=True)
class Application:
    application_id: str
    number: str  # what the applicant quotes: A-2026-7F3K9Q
    applicant: str  # bsn:... / kvk:...
    kind: ApplicationKind
    plate: str
    status: Status
    submitted_at: datetime
    email: str
    fee_cents: int
    payment_reference: str
    day: date | None = None  # day permits
    details: str = ""  # the applicant's free text (why, which street, which works)
    reason: str = ""  # the last refusal reason or question, for the applicant
    paid_at: datetime | None = None
    decided_at: datetime | None = None  # when it reached a final status
    exemption_id: str | None = None  # the permit a grant created


class StepAction(StrEnum):
    """What a step of an application's history did: moved its status, or recorded its fee as paid."""

    STATUS = "status"
    PAID = "paid"  # the status stays (from_status == to_status)


@dataclass(frozen=True)
class Step:
    application_id: str
    at: datetime
    actor: str
    actor_name: str
    from_status: Status | None
    to_status: Status
    reason: str = ""
    action: StepAction = StepAction.STATUS


def move(
    application: Application, to: Status, actor: str, actor_name: str, now: datetime, reason: str = ""
) -> tuple[Application, Step]:
    """The next status, or InvalidStep / InvalidExemption; the caller stores both results."""
    allowed = _NEXT.get(application.status, frozenset())
    if to not in allowed:
        raise InvalidStep(
            f"application {application.number} is {application.status}: it cannot become {to}",
            number=application.number,
            status=application.status.value,
            to=to.value,
        )
    if to in NEEDS_REASON and not reason.strip():
        raise InvalidExemption(f"reason: a {to} needs a reason the applicant can read", RefusalCode.REASON_REQUIRED)
    moved = replace(
        application,
        status=to,
        reason=reason.strip() if to in NEEDS_REASON else application.reason,
        decided_at=now if to in FINAL else None,
    )
    return moved, Step(application.application_id, now, actor, actor_name, application.status, to, reason.strip())


def first_step(application: Application, actor: str, actor_name: str) -> Step:
    return Step(application.application_id, application.submitted_at, actor, actor_name, None, Status.SUBMITTED)
