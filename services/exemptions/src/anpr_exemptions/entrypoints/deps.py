"""What every route needs: roles, the purpose of a read of permit data, the service's components, and a
repository or the ports of a change inside one transaction."""

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from anpr_exemptions.adapters.reads import PostgresReadLog, ReadLog
from anpr_exemptions.adapters.repository import ExemptionRepository, PostgresExemptionRepository
from anpr_exemptions.bootstrap import ExemptionsComponents
from anpr_exemptions.config import ExemptionsSettings
from anpr_exemptions.domain.audit import Actor
from anpr_exemptions.handlers import Ports
from anpr_runtime.auth import Principal, Role, require_roles
from anpr_runtime.purpose import PurposePolicy, purpose_for
from anpr_runtime.service import Resources


def resources(request: Request) -> Resources:
    found: Resources = request.app.state.resources
    return found


def components(request: Request) -> ExemptionsComponents:
    return resources(request).component(ExemptionsComponents)


def settings(request: Request) -> ExemptionsSettings:
    found = resources(request).settings
    assert isinstance(found, ExemptionsSettings)
    return found


def _purposes(request: Request) -> PurposePolicy:
    return settings(request).purposes


# The permit desk issues permits; operators keep the right for a transition period (README), so that
# deployments whose operators issue permits today keep working until their desk staff have accounts.
_issuer = require_roles(Role.PERMIT_DESK, Role.OPERATOR)
_viewer = require_roles(Role.PERMIT_DESK, Role.OPERATOR, Role.SUPERVISOR)
# A permit's history: supervisors oversee, the desk answers applicants' questions about their permit.
_auditor = require_roles(Role.SUPERVISOR, Role.PERMIT_DESK)
_checker = require_roles(Role.OPERATOR, Role.REVIEWER, Role.SERVICE, Role.SUPERVISOR, Role.PERMIT_DESK)

Issuer = Annotated[Principal, Depends(_issuer)]
Viewer = Annotated[Principal, Depends(_viewer)]
Auditor = Annotated[Principal, Depends(_auditor)]
Checker = Annotated[Principal, Depends(_checker)]
Supervisor = Annotated[Principal, Depends(require_roles(Role.SUPERVISOR))]
Admin = Annotated[Principal, Depends(require_roles())]
# Why a read of permit data happens (X-Purpose), checked against the caller's roles once they are known.
IssuerPurpose = Annotated[str, Depends(purpose_for(_issuer, _purposes))]
ViewerPurpose = Annotated[str, Depends(purpose_for(_viewer, _purposes))]
AuditorPurpose = Annotated[str, Depends(purpose_for(_auditor, _purposes))]
CheckerPurpose = Annotated[str, Depends(purpose_for(_checker, _purposes))]
# Who learns a permit's kind, reference and issuer from a check; the others (reviewers, services) learn
# exempt or not: the kind can be health data (`disabled`), and they need no more to do their work.
SEES_PERMIT_DETAILS = frozenset({Role.ADMIN, Role.PERMIT_DESK, Role.OPERATOR, Role.SUPERVISOR})


def actor_of(who: Principal) -> Actor:
    """What the audit trail keeps of a caller: the stable subject and the display name."""
    return Actor(who.subject, who.name)


@contextlib.asynccontextmanager
async def changing(request: Request) -> AsyncIterator[Ports]:
    """One transaction; it commits when the block ends without error, i.e. after the publish succeeded."""
    found = components(request)
    async with resources(request).engine.begin() as connection:
        yield Ports(
            repo=PostgresExemptionRepository(connection),
            publisher=found.publisher,
            pseudonym_key=found.pseudonym_key,
            policy=found.policy,
        )


@contextlib.asynccontextmanager
async def reading(request: Request) -> AsyncIterator[ExemptionRepository]:
    async with resources(request).engine.connect() as connection:
        yield PostgresExemptionRepository(connection)


@dataclass(frozen=True)
class LoggedRead:
    repo: ExemptionRepository
    log: ReadLog


@contextlib.asynccontextmanager
async def reading_logged(request: Request) -> AsyncIterator[LoggedRead]:
    """A read and its read-log row in one transaction: no answer leaves without its row."""
    async with resources(request).engine.begin() as connection:
        yield LoggedRead(PostgresExemptionRepository(connection), PostgresReadLog(connection))
