"""The permit counter's use cases: apply, attach a document, the desk's decision, withdraw, answer a
question, mark paid. Each step is stored with its audit row, an ApplicationChanged (ids and status only)
and a status mail in the outbox, all in the caller's one transaction."""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from uuid import uuid4

from anpr_contracts import APPLICATIONS, ApplicationChanged
from anpr_exemptions.domain import application_form as form
from anpr_exemptions.domain.applications import Application, ApplicationKind, Status, Step, first_step, move
from anpr_exemptions.domain.audit import Actor
from anpr_exemptions.domain.errors import InvalidExemption
from anpr_exemptions.domain.local_time import LOCAL
from anpr_exemptions.domain.mail import status_mail
from anpr_exemptions.domain.model import Exemption, ExemptionKind
from anpr_exemptions.domain.permit import Terms, issue
from anpr_exemptions.domain.reads import ReadEntry
from anpr_exemptions.domain.vehicle_checks import CheckPolicy, VehicleChecks, day_permit_refusal, vehicle_checks
from anpr_exemptions.handlers.counter_ports import CounterPorts
from anpr_exemptions.handlers.grant import grant
from anpr_runtime import NotFound, RetriableError
from anpr_runtime.pseudonym import vehicle_key

# Who grants a day permit: nobody at the desk; the audit trail says so.
COUNTER = Actor("permit-counter", "granted automatically at the permit counter")
_NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone


class TooManyApplications(RetriableError):
    """An applicant's hourly limit on new applications (429)."""

    status_code = 429
    retry_after_seconds = 600


@dataclass(frozen=True)
class NewApplication:
    kind: ApplicationKind
    plate: str
    country: str
    email: str
    day: date | None = None
    details: str = ""


@dataclass(frozen=True)
class Scope:
    """What the desk grants: regimes and zones (empty: all) and the period."""

    valid_from: datetime
    valid_until: datetime | None
    regimes: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()


def today_in_amsterdam(now: datetime) -> date:
    return now.astimezone(LOCAL).date()


def _check_policy(ports: CounterPorts) -> CheckPolicy:
    counter = ports.counter
    return CheckPolicy(
        frozenset(counter.day_permit_categories),
        frozenset(counter.zero_emission_fuels),
        frozenset(counter.wheelchair_codes),
    )


async def check_vehicle(plate: str, country: str, now: datetime, ports: CounterPorts) -> VehicleChecks:
    registered = form.dutch_plate(plate, country)
    facts = await ports.registry.lookup(registered)
    return vehicle_checks(registered, facts, today_in_amsterdam(now), _check_policy(ports))


def _number(now: datetime) -> str:
    return f"A-{now.year}-" + "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(6))


async def apply(asked: NewApplication, applicant: Actor, now: datetime, ports: CounterPorts) -> Application:
    """Validates everything before anything is stored; a day permit is granted in the same transaction
    (or nothing is stored: the thirteenth of the year, a day already taken)."""
    plate = form.dutch_plate(asked.plate, asked.country)
    email = form.email_address(asked.email)
    details = form.plain_text("details", asked.details, ports.counter.max_details)
    today = today_in_amsterdam(now)
    day = None
    if asked.kind is ApplicationKind.DAY_PERMIT:
        if asked.day is None:
            raise InvalidExemption("day: a day permit needs the day (YYYY-MM-DD)")
        day = form.permit_day(asked.day, today, ports.counter.horizon_days)
    elif asked.day is not None:
        raise InvalidExemption(f"day: only a day permit takes a day, not a {asked.kind} exemption")
    if (
        await ports.applications.created_since(applicant.subject, now - timedelta(hours=1))
        >= ports.counter.applications_per_hour
    ):
        raise TooManyApplications(
            f"at most {ports.counter.applications_per_hour} new applications an hour; try again later"
        )
    checks = await check_vehicle(plate, "NL", now, ports)
    if not checks.registered:
        raise InvalidExemption(f"plate: {plate} is not in the RDW vehicle registry")
    if asked.kind is ApplicationKind.DAY_PERMIT and (refusal := day_permit_refusal(checks)):
        raise InvalidExemption(refusal)
    application = Application(
        application_id=str(uuid4()),
        number=_number(now),
        applicant=applicant.subject,
        kind=asked.kind,
        plate=plate,
        status=Status.SUBMITTED,
        submitted_at=now,
        email=email,
        fee_cents=ports.counter.fee(asked.kind),
        payment_reference="ANPR" + secrets.token_hex(6).upper(),
        day=day,
        details=details,
    )
    await ports.applications.add(application)
    await ports.applications.record(first_step(application, applicant.subject, applicant.name))
    await _announce(application, None, ports, now)
    if asked.kind is ApplicationKind.DAY_PERMIT:
        assert day is not None
        terms = Terms(
            plate=plate,
            kind=ExemptionKind.DAY_PERMIT,
            reference=application.number,
            issuer="loket",
            regimes=tuple(ports.counter.day_permit_regimes),
            zones=tuple(ports.counter.day_permit_zones),
            day=day,
        )
        permit = issue(str(uuid4()), terms, ports.permits.policy)
        return await _grant(application, permit, COUNTER, now, ports)
    return application


async def _grant(
    application: Application, permit: Exemption, actor: Actor, now: datetime, ports: CounterPorts
) -> Application:
    await grant(permit, actor, now, ports.permits)  # the quota's lock and count, audit, anpr.exemptions.v1
    moved, step = move(application, Status.GRANTED, actor.subject, actor.name, now)
    moved = replace(moved, exemption_id=permit.exemption_id)
    await _store(application, moved, step, ports, now)
    return moved


async def _store(before: Application, after: Application, made: Step, ports: CounterPorts, now: datetime) -> None:
    await ports.applications.update(after)
    await ports.applications.record(made)
    await _announce(after, before.status, ports, now)


async def _announce(application: Application, previous: Status | None, ports: CounterPorts, now: datetime) -> None:
    event = ApplicationChanged(
        application_id=application.application_id,
        kind=application.kind.value,
        status=application.status.value,
        previous_status=None if previous is None else previous.value,
        exemption_id=application.exemption_id,
    )
    await ports.outbox.put(status_mail(application, ports.counter_url), now)
    await ports.permits.publisher.publish(APPLICATIONS.name, application.application_id, event)


async def _current(application_id: str, applicant: str | None, ports: CounterPorts) -> Application:
    found = await ports.applications.get(application_id, applicant, for_update=True)
    if found is None:
        raise NotFound(f"application {application_id} not found")
    return found


async def decide_grant(
    application_id: str, scope: Scope, actor: Actor, now: datetime, ports: CounterPorts
) -> Application:
    application = await _current(application_id, None, ports)
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
    return await _grant(application, issue(str(uuid4()), terms, ports.permits.policy), actor, now, ports)


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
    application = await _current(application_id, applicant, ports)
    reason = form.plain_text("reason", reason, ports.counter.max_details)
    moved, made = move(application, to, actor.subject, actor.name, now, reason)
    await _store(application, moved, made, ports, now)
    return moved


async def mark_paid(application_id: str, now: datetime, ports: CounterPorts) -> Application:
    application = await _current(application_id, None, ports)
    if application.paid_at is not None:
        return application  # idempotent: a provider's callback may come twice
    paid = replace(application, paid_at=now)
    await ports.applications.update(paid)
    return paid


async def attach(
    application_id: str, applicant: str, content: bytes, now: datetime, ports: CounterPorts
) -> tuple[str, str]:
    application = await _current(application_id, applicant, ports)
    if application.status not in (Status.SUBMITTED, Status.NEEDS_INFORMATION):
        raise InvalidExemption(f"document: application {application.number} is {application.status}; no more documents")
    if len(content) > ports.counter.max_document_bytes:
        raise InvalidExemption(f"document: at most {ports.counter.max_document_bytes} bytes")
    content_type = form.document_type(content)
    if len(await ports.applications.documents(application_id)) >= ports.counter.max_documents:
        raise InvalidExemption(f"document: at most {ports.counter.max_documents} documents per application")
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
