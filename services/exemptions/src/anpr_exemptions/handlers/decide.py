"""The steps after applying: the desk decides or asks, the applicant answers, withdraws or attaches a
document, a payment is marked; and the staff reads of applicants' data in the read log."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import uuid4

from anpr_exemptions.domain import application_form as form
from anpr_exemptions.domain.applications import Application, ApplicationKind, Status, Step, StepAction, move
from anpr_exemptions.domain.audit import Actor
from anpr_exemptions.domain.errors import InvalidExemption, RefusalCode
from anpr_exemptions.domain.model import ExemptionKind
from anpr_exemptions.domain.permit import Terms, issue
from anpr_exemptions.domain.reads import ReadEntry
from anpr_exemptions.handlers.application_steps import current, grant_application, store_step
from anpr_exemptions.handlers.counter_ports import CounterPorts
from anpr_runtime.pseudonym import vehicle_key


@dataclass(frozen=True)
class Scope:
    """What the desk grants: regimes and zones (empty: all) and the period."""

    valid_from: datetime
    valid_until: datetime | None
    regimes: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()


async def decide_grant(
    application_id: str, scope: Scope, actor: Actor, now: datetime, ports: CounterPorts
) -> Application:
    application = await current(application_id, None, ports)
    if application.kind is ApplicationKind.DAY_PERMIT:
        raise InvalidExemption("kind: a day permit is decided at the counter, not by the desk")
    if application.status is not Status.SUBMITTED:
        move(application, Status.GRANTED, actor.subject, actor.name, now)  # raises InvalidStep with the reason
    terms = Terms(
        plate=application.plate,
        kind=ExemptionKind(application.kind.value),
        reference=application.number,
        issuer="loket",  # the desk member is in the audit trail; the applicant sees the counter
        regimes=scope.regimes,
        zones=scope.zones,
        valid_from=scope.valid_from,
        valid_until=scope.valid_until,
    )
    return await grant_application(application, issue(str(uuid4()), terms, ports.permits.policy), actor, now, ports)


async def advance(
    application_id: str,
    to: Status,
    actor: Actor,
    now: datetime,
    ports: CounterPorts,
    reason: str = "",
    applicant: str | None = None,
) -> Application:
    """refuse / needs_information (desk), withdrawn / submitted again (the applicant, `applicant` set)."""
    application = await current(application_id, applicant, ports)
    reason = form.plain_text("reason", reason, ports.counter.max_details)
    moved, made = move(application, to, actor.subject, actor.name, now, reason)
    await store_step(application, moved, made, ports, now)
    return moved


async def mark_paid(application_id: str, actor: Actor, now: datetime, ports: CounterPorts) -> Application:
    """The fee received, as a step of the history with who recorded it (a desk member or the payment
    provider's integration): money is accounted for like any decision."""
    application = await current(application_id, None, ports)
    if application.paid_at is not None:
        return application  # idempotent: a provider's callback may come twice
    paid = replace(application, paid_at=now)
    await ports.applications.update(paid)
    status = application.status
    await ports.applications.record(
        Step(application_id, now, actor.subject, actor.name, status, status, action=StepAction.PAID)
    )
    return paid


async def attach(
    application_id: str, applicant: str, content: bytes, now: datetime, ports: CounterPorts
) -> tuple[str, str]:
    application = await current(application_id, applicant, ports)
    if application.status not in (Status.SUBMITTED, Status.NEEDS_INFORMATION):
        raise InvalidExemption(
            f"document: application {application.number} is {application.status}; no more documents",
            RefusalCode.DOCUMENT_CLOSED,
            number=application.number,
            status=application.status.value,
        )
    limit = ports.counter.max_document_bytes
    if len(content) > limit:
        raise InvalidExemption(f"document: at most {limit} bytes", RefusalCode.DOCUMENT_TOO_LARGE, limit=limit)
    content_type = form.document_type(content)
    if len(await ports.applications.documents(application_id)) >= ports.counter.max_documents:
        most = ports.counter.max_documents
        raise InvalidExemption(
            f"document: at most {most} documents per application", RefusalCode.DOCUMENT_LIMIT, limit=most
        )
    document_id = str(uuid4())
    await ports.applications.add_document(document_id, application_id, content_type, content, now)
    return document_id, content_type


async def log_staff_read(
    ports: CounterPorts,
    now: datetime,
    actor: Actor,
    action: str,
    purpose: str | None,
    shown: Sequence[Application],
    plate: str | None = None,
) -> None:
    """A staff read of applicants' data in the read log, as permit reads are (None: the applicant's own
    read, not logged). The vehicle as its pseudonym; the permits the applications led to."""
    if purpose is None:
        return
    plates = {a.plate for a in shown}
    asked = plate if plate is not None else (next(iter(plates)) if len(plates) == 1 else None)
    key = None if asked is None else vehicle_key(asked, ports.permits.pseudonym_key)
    permits = tuple(a.exemption_id for a in shown if a.exemption_id)
    await ports.reads.record(ReadEntry(now, actor.subject, actor.name, action, purpose, key, permits))
