"""What every route needs: roles, the service's components, and a repository or the ports of a change
inside one transaction."""

import contextlib
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request

from anpr_exemptions.adapters.repository import ExemptionRepository, PostgresExemptionRepository
from anpr_exemptions.bootstrap import ExemptionsComponents
from anpr_exemptions.config import ExemptionsSettings
from anpr_exemptions.domain.audit import Actor
from anpr_exemptions.handlers import Ports
from anpr_runtime.auth import Principal, Role, require_roles
from anpr_runtime.service import Resources

# The permit desk issues permits; operators keep the right for a transition period (README), so that
# deployments whose operators issue permits today keep working until their desk staff have accounts.
Issuer = Annotated[Principal, Depends(require_roles(Role.PERMIT_DESK, Role.OPERATOR))]
Viewer = Annotated[Principal, Depends(require_roles(Role.PERMIT_DESK, Role.OPERATOR, Role.SUPERVISOR))]
# A permit's history: supervisors oversee, the desk answers applicants' questions about their permit.
Auditor = Annotated[Principal, Depends(require_roles(Role.SUPERVISOR, Role.PERMIT_DESK))]
Checker = Annotated[Principal, Depends(require_roles(Role.OPERATOR, Role.REVIEWER, Role.SERVICE, Role.SUPERVISOR))]


def actor_of(who: Principal) -> Actor:
    """What the audit trail keeps of a caller: the stable subject and the display name."""
    return Actor(who.subject, who.name)


def resources(request: Request) -> Resources:
    found: Resources = request.app.state.resources
    return found


def components(request: Request) -> ExemptionsComponents:
    return resources(request).component(ExemptionsComponents)


def settings(request: Request) -> ExemptionsSettings:
    found = resources(request).settings
    assert isinstance(found, ExemptionsSettings)
    return found


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
