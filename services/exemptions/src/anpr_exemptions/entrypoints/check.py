"""Is a vehicle exempt from a regime then and there.

POST, so the plate travels in the body and never in a URL (URLs end up in proxy and access logs). Every
check is a read of permit data: it needs an X-Purpose and writes a read-log row. Reviewers and services
learn exempt or not and the regime; the permit's kind (`disabled` is health data), reference and issuer
only the permit desk, operators, supervisors and admin."""

from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel, ConfigDict, Field

from anpr_exemptions import handlers
from anpr_exemptions.entrypoints.deps import (
    SEES_PERMIT_DETAILS,
    Checker,
    CheckerPurpose,
    actor_of,
    components,
    reading_logged,
)
from anpr_exemptions.entrypoints.schemas import Moment, Plate, ScopeId
from anpr_exemptions.entrypoints.views import CheckDetailsOut, CheckOut, ExemptionOut

router = APIRouter(prefix="/v1", tags=["check"])
MOVED = (
    "GET /v1/check is gone: the plate must not be in a URL. Send POST /v1/check with the JSON body "
    '{"plate": ..., "regime": ..., "at": ..., "zone": ...} and an X-Purpose header'
)


class CheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    plate: Plate
    regime: ScopeId
    at: Moment
    zone: ScopeId | None = Field(default=None, description="Without it, permits limited to zones do not count.")


@router.post("/check")
async def post_check(
    request: Request, who: Checker, purpose: CheckerPurpose, body: CheckIn
) -> CheckDetailsOut | CheckOut:
    async with reading_logged(request) as read:
        found = await handlers.check(body.plate, body.regime, body.at, read.repo, body.zone)
        key = components(request).pseudonym_key
        await handlers.log_read(read.log, datetime.now(UTC), actor_of(who), "check", purpose, found, body.plate, key)
    if who.holds_any(SEES_PERMIT_DETAILS):
        return CheckDetailsOut(exempt=bool(found), regime=body.regime, exemptions=[ExemptionOut.of(e) for e in found])
    return CheckOut(exempt=bool(found), regime=body.regime)


@router.get("/check", status_code=status.HTTP_410_GONE, include_in_schema=False)
async def get_check(_: Checker) -> None:
    """Kept so that an old client learns where the check went instead of a bare 405."""
    raise HTTPException(status.HTTP_410_GONE, MOVED)
