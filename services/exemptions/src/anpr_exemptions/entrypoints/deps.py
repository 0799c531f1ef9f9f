"""What every route needs: roles, and a repository or the ports of a change inside one transaction."""

import contextlib
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request

from anpr_exemptions.adapters.repository import ExemptionRepository, PostgresExemptionRepository
from anpr_exemptions.handlers import Ports
from anpr_runtime.auth import Principal, Role, require_roles
from anpr_runtime.service import Resources

Issuer = Annotated[Principal, Depends(require_roles(Role.OPERATOR))]
Viewer = Annotated[Principal, Depends(require_roles(Role.OPERATOR, Role.SUPERVISOR))]
Auditor = Annotated[Principal, Depends(require_roles(Role.SUPERVISOR))]
Checker = Annotated[Principal, Depends(require_roles(Role.OPERATOR, Role.REVIEWER, Role.SERVICE, Role.SUPERVISOR))]


def resources(request: Request) -> Resources:
    found: Resources = request.app.state.resources
    return found


@contextlib.asynccontextmanager
async def changing(request: Request) -> AsyncIterator[Ports]:
    """One transaction; it commits when the block ends without error, i.e. after the publish succeeded."""
    found = resources(request)
    async with found.engine.begin() as connection:
        yield Ports(
            repo=PostgresExemptionRepository(connection),
            publisher=found.extras["publisher"],
            pseudonym_key=found.settings.pseudonym_key.get_secret_value(),
            policy=found.extras["policy"],
        )


@contextlib.asynccontextmanager
async def reading(request: Request) -> AsyncIterator[ExemptionRepository]:
    async with resources(request).engine.connect() as connection:
        yield PostgresExemptionRepository(connection)
