"""What every notices route needs: roles, the purpose of a look at personal data, a transaction."""

import contextlib
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlalchemy.ext.asyncio import AsyncConnection

from anpr_notices.bootstrap import NoticesComponents
from anpr_notices.config import NoticesSettings
from anpr_notices.domain.model import Actor
from anpr_notices.handlers import ReviewRules
from anpr_runtime.auth import Principal, Role, require_roles
from anpr_runtime.inputs import Text
from anpr_runtime.service import Resources

# Admin may do everything (require_roles adds it); a camera or service token none of this.
Reviewer = Annotated[Principal, Depends(require_roles(Role.REVIEWER, Role.SUPERVISOR))]
Supervisor = Annotated[Principal, Depends(require_roles(Role.SUPERVISOR))]
StatsReader = Annotated[Principal, Depends(require_roles(Role.SUPERVISOR, Role.OPERATOR))]
Admin = Annotated[Principal, Depends(require_roles())]
# Why personal data is looked at, for the audit log (the DPIA's purpose limitation).
Purpose = Annotated[Text, Header(alias="X-Purpose", min_length=1, max_length=200)]


def actor_of(who: Principal) -> Actor:
    """What the trail keeps of a caller: the stable subject (OIDC `sub`) and the display name."""
    return Actor(who.subject, who.name)


def resources(request: Request) -> Resources:
    found: Resources = request.app.state.resources
    return found


def settings(request: Request) -> NoticesSettings:
    found = resources(request).settings
    assert isinstance(found, NoticesSettings)
    return found


def review_rules(request: Request) -> ReviewRules:
    return resources(request).component(NoticesComponents).review


@contextlib.asynccontextmanager
async def transaction(request: Request) -> AsyncIterator[AsyncConnection]:
    async with resources(request).engine.begin() as connection:
        yield connection
