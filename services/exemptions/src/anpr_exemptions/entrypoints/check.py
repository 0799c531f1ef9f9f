from typing import Annotated

from fastapi import APIRouter, Query, Request

from anpr_exemptions import handlers
from anpr_exemptions.entrypoints.deps import Checker, reading
from anpr_exemptions.entrypoints.schemas import Moment, Plate, ScopeId
from anpr_exemptions.entrypoints.views import CheckOut, ExemptionOut

router = APIRouter(prefix="/v1", tags=["check"])


@router.get("/check")
async def get_check(
    request: Request,
    _: Checker,
    plate: Annotated[Plate, Query()],
    regime: Annotated[ScopeId, Query()],
    at: Annotated[Moment, Query()],
    zone: Annotated[ScopeId | None, Query(description="Without it, permits limited to zones do not count.")] = None,
) -> CheckOut:
    async with reading(request) as repo:
        found = await handlers.check(plate, regime, at, repo, zone)
    return CheckOut(exempt=bool(found), exemptions=[ExemptionOut.of(e) for e in found])
