"""Applying at the permit counter: the vehicle check, and a new application (a day permit granted at once)."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import uuid4

from anpr_exemptions.domain import application_form as form
from anpr_exemptions.domain.applications import Application, ApplicationKind, Status, first_step
from anpr_exemptions.domain.audit import Actor
from anpr_exemptions.domain.errors import ApplicationOpen, Coded, InvalidExemption, RefusalCode
from anpr_exemptions.domain.local_time import LOCAL
from anpr_exemptions.domain.model import ExemptionKind
from anpr_exemptions.domain.permit import Terms, issue
from anpr_exemptions.domain.vehicle_checks import (
    CheckPolicy,
    VehicleChecks,
    day_permit_refusal,
    not_registered,
    vehicle_checks,
)
from anpr_exemptions.handlers.application_steps import announce, grant_application
from anpr_exemptions.handlers.counter_ports import CounterPorts
from anpr_runtime import Conflict, RetriableError

COUNTER = Actor("permit-counter", "granted automatically at the permit counter")
_NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone


class TooManyApplications(Coded, RetriableError):
    """An applicant's hourly limit on new applications (429)."""

    status_code = 429
    retry_after_seconds = 600
    default_code = RefusalCode.TOO_MANY_APPLICATIONS


@dataclass(frozen=True)
class NewApplication:
    kind: ApplicationKind
    plate: str
    country: str
    email: str
    day: date | None = None
    details: str = ""


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
            raise InvalidExemption("day: a day permit needs the day (YYYY-MM-DD)", RefusalCode.DAY_MISSING)
        day = form.permit_day(asked.day, today, ports.counter.horizon_days)
    elif asked.day is not None:
        raise InvalidExemption(
            f"day: only a day permit takes a day, not a {asked.kind} exemption",
            RefusalCode.DAY_NOT_FOR_KIND,
            kind=asked.kind.value,
        )
    if (
        await ports.applications.created_since(applicant.subject, now - timedelta(hours=1))
        >= ports.counter.applications_per_hour
    ):
        limit = ports.counter.applications_per_hour
        raise TooManyApplications(f"at most {limit} new applications an hour; try again later", limit=limit)
    checks = await check_vehicle(plate, "NL", now, ports)
    if not checks.registered:
        raise not_registered(plate)
    if asked.kind is ApplicationKind.DAY_PERMIT and (refusal := day_permit_refusal(checks)):
        raise refusal
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
    try:
        await ports.applications.add(application)
    except Conflict as open_already:  # the repository's unique index on open applications: coded here
        raise ApplicationOpen(str(open_already), kind=asked.kind.value, plate=plate) from None
    await ports.applications.record(first_step(application, applicant.subject, applicant.name))
    await announce(application, None, ports, now)
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
        return await grant_application(application, permit, COUNTER, now, ports)
    return application
