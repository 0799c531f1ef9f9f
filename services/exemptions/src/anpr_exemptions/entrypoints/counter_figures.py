"""Figures about the permit counter that hold nobody's data: the prices it charges (public: the counter's
start page shows them before anyone signs in) and how many applications it received per day and kind (for
planners: the pilot forecast projects exemption requests from them).

Not under /v1/applications: there a path segment is an application's id."""

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from anpr_exemptions.adapters.application_counts import PostgresApplicationCounter
from anpr_exemptions.adapters.reads import PostgresReadLog
from anpr_exemptions.domain.applications import ApplicationKind
from anpr_exemptions.entrypoints.deps import actor_of, resources, settings
from anpr_exemptions.entrypoints.schemas import Moment
from anpr_exemptions.handlers.application_counts import count_applications
from anpr_runtime.auth import Principal, Role, require_roles
from anpr_runtime.purpose import PurposePolicy, purpose_for

router = APIRouter(prefix="/v1/counter", tags=["counter"])

# Who plans: operators run the pilot tools, supervisors oversee them (the console's pilot screen).
_planner = require_roles(Role.OPERATOR, Role.SUPERVISOR)
Planner = Annotated[Principal, Depends(_planner)]


def _purposes(request: Request) -> PurposePolicy:
    return settings(request).purposes


PlannerPurpose = Annotated[str, Depends(purpose_for(_planner, _purposes))]


class FeesOut(BaseModel):
    currency: str = "EUR"
    fees_cents: dict[ApplicationKind, int] = Field(description="Price per kind of application, in cents.")


class DayCountOut(BaseModel):
    day: date = Field(description="The Amsterdam day the applications were submitted.")
    kind: ApplicationKind
    submitted: int


class CountsOut(BaseModel):
    since: datetime
    until: datetime
    total: int
    per_kind: dict[str, int]
    days: list[DayCountOut] = Field(description="Only days with applications.")


@router.get("/fees")
async def get_fees(request: Request) -> FeesOut:
    """The price of each kind, as exemptions charges it: the one place the prices are configured."""
    policy = settings(request).counter
    return FeesOut(fees_cents={kind: policy.fee(kind) for kind in ApplicationKind})


@router.get("/application-counts")
async def get_application_counts(
    request: Request,
    who: Planner,
    purpose: PlannerPurpose,
    since: Annotated[Moment, Query(description="From (inclusive), with a UTC offset.")],
    until: Annotated[Moment | None, Query(description="Until (exclusive); default now.")] = None,
) -> CountsOut:
    """Applications submitted per day and kind (whatever became of them): counts only, no applicant or
    vehicle. The read is logged with its X-Purpose like every staff read of the counter's data."""
    now = datetime.now(UTC)
    async with resources(request).engine.begin() as connection:
        found = await count_applications(
            since,
            until or now,
            actor_of(who),
            purpose,
            now,
            PostgresApplicationCounter(connection),
            PostgresReadLog(connection),
        )
    return CountsOut(
        since=found.since,
        until=found.until,
        total=found.total,
        per_kind=found.per_kind(),
        days=[DayCountOut(day=d.day, kind=ApplicationKind(d.kind), submitted=d.submitted) for d in found.days],
    )
