"""Roles and transactions of the permit counter's routes. Applicants (role `applicant`, from the
applicants' issuer) reach only these routes, and only their own applications: every lookup is scoped
to their subject in SQL, so another applicant's id answers 404 exactly like an id that does not exist."""

import contextlib
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, Request

from anpr_exemptions.adapters.applications import PostgresApplicationRepository
from anpr_exemptions.adapters.outbox import PostgresOutbox
from anpr_exemptions.adapters.reads import PostgresReadLog
from anpr_exemptions.adapters.registry import PostgresVehicleRegistry
from anpr_exemptions.adapters.repository import PostgresExemptionRepository
from anpr_exemptions.entrypoints.deps import components, resources, settings
from anpr_exemptions.handlers import Ports
from anpr_exemptions.handlers.counter_ports import CounterPorts
from anpr_runtime.auth import Principal, Role, require_roles
from anpr_runtime.purpose import HEADER, checked_purpose

Applicant = Annotated[Principal, Depends(require_roles(Role.APPLICANT))]
_applicant_or_desk = require_roles(Role.APPLICANT, Role.PERMIT_DESK)
ApplicantOrDesk = Annotated[Principal, Depends(_applicant_or_desk)]
Desk = Annotated[Principal, Depends(require_roles(Role.PERMIT_DESK))]
# A payment provider's integration marks an application paid with a service token.
Cashier = Annotated[Principal, Depends(require_roles(Role.PERMIT_DESK, Role.SERVICE))]


def own_scope(who: Principal) -> str | None:
    """The applicant whose applications this caller may see; None: every applicant's (desk, admin)."""
    return None if who.holds_any({Role.PERMIT_DESK, Role.ADMIN}) else who.subject


def is_staff(who: Principal) -> bool:
    return own_scope(who) is None


async def _staff_purpose(
    request: Request,
    who: Annotated[Principal, Depends(_applicant_or_desk)],
    given: Annotated[str | None, Header(alias=HEADER)] = None,
) -> str | None:
    """Staff reading applicants' data say why (X-Purpose, as for permits) and each read is logged;
    an applicant reading their own data needs neither: None."""
    if not is_staff(who):
        return None
    return checked_purpose(given, who, settings(request).purposes)


StaffPurpose = Annotated[str | None, Depends(_staff_purpose)]


@contextlib.asynccontextmanager
async def counter(request: Request) -> AsyncIterator[CounterPorts]:
    """One transaction for a step: the application, its permit, the events and the mail commit together."""
    found = components(request)
    config = settings(request)
    engine = resources(request).engine
    async with engine.begin() as connection:
        yield CounterPorts(
            permits=Ports(
                repo=PostgresExemptionRepository(connection),
                publisher=found.publisher,
                pseudonym_key=found.pseudonym_key,
                policy=found.policy,
            ),
            applications=PostgresApplicationRepository(connection),
            outbox=PostgresOutbox(connection),
            registry=PostgresVehicleRegistry(engine),
            counter=config.counter,
            counter_url=config.counter_url,
            reads=PostgresReadLog(connection),
        )
