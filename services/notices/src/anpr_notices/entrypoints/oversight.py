"""For supervisors, operators and admins: the audit trail, operational statistics, the retention purge."""

import json
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict

from anpr_notices.adapters.audit import AuditQuery, PostgresAuditLog
from anpr_notices.adapters.retention import PostgresRetentionRepository
from anpr_notices.adapters.stats import PostgresStats
from anpr_notices.entrypoints.deps import Admin, StatsReader, Supervisor, actor_of, resources, settings, transaction
from anpr_notices.handlers import purge, report_stats
from anpr_runtime import Forbidden
from anpr_runtime.inputs import Moment, Text

router = APIRouter(prefix="/v1", tags=["oversight"])


class PurgeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    now: Moment | None = None  # a chosen clock, for tests and rehearsals; refused in production


@router.get("/audit")
async def get_audit(
    request: Request,
    _: Supervisor,
    actor: Annotated[Text | None, Query(max_length=200, description="a subject (OIDC sub), not a name")] = None,
    subject: Annotated[Text | None, Query(max_length=200, description="a candidate id")] = None,
    since: Moment | None = None,
    until: Moment | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[dict[str, Any]]:
    """Who looked at which candidate's personal data, when and why; newest first."""
    async with transaction(request) as connection:
        return await PostgresAuditLog(connection).query(AuditQuery(actor, subject, since, until, limit))


@router.get("/stats", response_model=dict[str, Any])
async def get_stats(
    request: Request, _: StatsReader, since: Moment | None = None, until: Moment | None = None
) -> Response:
    """Per regime, location and UTC hour (default: the last 24 hours); reviewer throughput; backlog."""
    report = await report_stats(since, until, datetime.now(UTC), PostgresStats(resources(request).engine))
    # A week of a busy city is thousands of buckets: encoded here in one pass, not by FastAPI's generic
    # encoder (measured 182 ms against 21 ms for 2,300 buckets). Same JSON: datetimes as ISO 8601.
    return Response(json.dumps(report, default=_iso), media_type="application/json")


def _iso(value: object) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


@router.post("/retention/purge")
async def run_purge(request: Request, who: Admin, body: PurgeIn | None = None) -> dict[str, Any]:
    """Run the purge now (it also runs every hour); `now` moves the clock, outside production only."""
    config = settings(request)
    chosen = body.now if body is not None else None
    if chosen is not None and config.environment == "production":
        raise Forbidden("a chosen 'now' is refused in production")
    now = chosen or datetime.now(UTC)
    async with transaction(request) as connection:
        purged = await purge(now, config.retention, PostgresRetentionRepository(connection))
        await PostgresAuditLog(connection).record(
            datetime.now(UTC), actor_of(who), "retention_purge", [f"purged={sum(purged.values())}"], f"now={now}"
        )
    return {"now": now, "purged": purged, "policy": config.retention.model_dump()}
