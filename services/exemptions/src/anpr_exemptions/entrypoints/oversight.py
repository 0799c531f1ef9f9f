"""For supervisors: who read permit data, why and when. For admin: the retention purge, run now."""

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from anpr_exemptions import handlers
from anpr_exemptions.adapters.reads import PostgresReadLog
from anpr_exemptions.adapters.retention import PostgresRetentionRepository
from anpr_exemptions.domain.reads import ReadQuery
from anpr_exemptions.entrypoints.deps import Admin, Supervisor, components, resources, settings
from anpr_exemptions.entrypoints.schemas import Moment, Plate, Text
from anpr_exemptions.entrypoints.views import ReadOut
from anpr_runtime import Forbidden
from anpr_runtime.pseudonym import vehicle_key

router = APIRouter(prefix="/v1", tags=["oversight"])


class ReadsIn(BaseModel):
    """POST with a body, so a plate asked about stays out of URLs."""

    model_config = ConfigDict(extra="forbid")

    plate: Plate | None = Field(default=None, description="Reads about this vehicle (matched by its pseudonym).")
    actor: Text | None = Field(default=None, description="A subject (OIDC sub or a machine token's name).")
    since: Moment | None = None
    limit: int = Field(default=100, ge=1, le=1000)


class PurgeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    now: Moment | None = None  # a chosen clock, for tests and rehearsals; refused in production


@router.post("/read-log/search")
async def search_reads(request: Request, _: Supervisor, body: ReadsIn) -> list[ReadOut]:
    """The read log, newest first."""
    key = None if body.plate is None else vehicle_key(body.plate, components(request).pseudonym_key)
    async with resources(request).engine.connect() as connection:
        found = await PostgresReadLog(connection).query(ReadQuery(body.actor, key, body.since, body.limit))
    return [ReadOut.of(entry) for entry in found]


@router.post("/retention/purge")
async def run_purge(request: Request, _: Admin, body: PurgeIn | None = None) -> dict[str, Any]:
    """Run the purge now (it also runs every hour); `now` moves the clock, outside production only."""
    config = settings(request)
    chosen = body.now if body is not None else None
    if chosen is not None and config.environment == "production":
        raise Forbidden("a chosen 'now' is refused in production")
    now = chosen or datetime.now(UTC)
    async with resources(request).engine.begin() as connection:
        repo = PostgresRetentionRepository(connection)
        purged = await handlers.purge(now, config.retention, repo, components(request).tombstones)
    return {"now": now, "purged": purged, "policy": config.retention.model_dump()}
