"""What every notices route needs: roles, the purpose of a look at personal data, a transaction."""

import contextlib
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncConnection

from anpr_notices.bootstrap import NoticesComponents
from anpr_notices.config import NoticesSettings
from anpr_notices.domain.model import Actor
from anpr_notices.handlers import ReviewRules
from anpr_runtime.auth import Principal, Role, require_roles
from anpr_runtime.purpose import PurposePolicy, purpose_for
from anpr_runtime.service import Resources

# Admin may do everything (require_roles adds it); a camera or service token none of this.
_reviewer = require_roles(Role.REVIEWER, Role.SUPERVISOR)
_supervisor = require_roles(Role.SUPERVISOR)
Reviewer = Annotated[Principal, Depends(_reviewer)]
Supervisor = Annotated[Principal, Depends(_supervisor)]
StatsReader = Annotated[Principal, Depends(require_roles(Role.SUPERVISOR, Role.OPERATOR))]
Admin = Annotated[Principal, Depends(require_roles())]


def _purposes(request: Request) -> PurposePolicy:
    return settings(request).purposes


# Why personal data is looked at, for the audit log (the DPIA's purpose limitation): required on every
# read, one of the purposes configured for the caller's roles (anpr_runtime.purpose).
ReviewPurpose = Annotated[str, Depends(purpose_for(_reviewer, _purposes))]
SupervisionPurpose = Annotated[str, Depends(purpose_for(_supervisor, _purposes))]
# A decision reads nothing new (the candidate was read to decide it): its audit row says review unless
# the reviewer gave another purpose of theirs.
DecisionPurpose = Annotated[str, Depends(purpose_for(_reviewer, _purposes, default="review"))]


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
