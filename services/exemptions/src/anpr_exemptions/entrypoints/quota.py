"""The ZE day-permit quota left for a vehicle, for the permit desk before it grants one.

POST, so the plate travels in the body and never in a URL (URLs end up in access logs and browser
history). Like every read of permit data it needs an X-Purpose and writes a read-log row.
"""

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from anpr_exemptions import handlers
from anpr_exemptions.domain.local_time import LOCAL
from anpr_exemptions.entrypoints.deps import Issuer, IssuerPurpose, actor_of, components, reading_logged
from anpr_exemptions.entrypoints.schemas import FIRST_YEAR, LAST_YEAR, Plate

router = APIRouter(prefix="/v1", tags=["quota"])


class QuotaIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    plate: Plate
    year: int | None = Field(
        default=None, ge=FIRST_YEAR, le=LAST_YEAR, description="Calendar year; default: this year in Amsterdam."
    )


class QuotaOut(BaseModel):
    plate: str
    year: int
    municipality: str
    used: int = Field(description="Day permits issued for this vehicle that year; revoked ones do not count.")
    limit: int
    left: int


@router.post("/quota")
async def post_quota(request: Request, who: Issuer, purpose: IssuerPurpose, body: QuotaIn) -> QuotaOut:
    now = datetime.now(UTC)
    year = body.year or now.astimezone(LOCAL).year
    found = components(request)
    async with reading_logged(request) as read:
        use = await handlers.day_permits_used(body.plate, year, read.repo, found.policy)
        await handlers.log_read(read.log, now, actor_of(who), "quota", purpose, [], body.plate, found.pseudonym_key)
    return QuotaOut(
        plate=use.plate, year=use.year, municipality=use.municipality, used=use.used, limit=use.limit, left=use.left
    )
