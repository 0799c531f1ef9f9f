"""Permits: create, change, revoke, read, search, and their audit trail."""

from datetime import UTC, datetime
from typing import Annotated
from uuid import uuid4

from fastapi import APIRouter, Query, Request, status

from anpr_exemptions import handlers
from anpr_exemptions.domain.model import ExemptionKind
from anpr_exemptions.domain.permit import issue
from anpr_exemptions.domain.search import Search
from anpr_exemptions.entrypoints.deps import Auditor, Issuer, Viewer, actor_of, changing, components, reading
from anpr_exemptions.entrypoints.schemas import ExemptionId, ExemptionIn, ExemptionPatch, Moment, Plate, ScopeId
from anpr_exemptions.entrypoints.views import AuditOut, ExemptionOut

router = APIRouter(prefix="/v1/exemptions", tags=["exemptions"])


@router.post("", status_code=status.HTTP_201_CREATED)
async def post_exemption(request: Request, who: Issuer, body: ExemptionIn) -> ExemptionOut:
    exemption = issue(str(uuid4()), body.terms(), components(request).policy)
    async with changing(request) as ports:
        await handlers.grant(exemption, actor_of(who), datetime.now(UTC), ports)
    return ExemptionOut.of(exemption)


@router.get("")
async def get_exemptions(
    request: Request,
    _: Viewer,
    plate: Annotated[Plate | None, Query()] = None,
    kind: ExemptionKind | None = None,
    regime: Annotated[ScopeId | None, Query()] = None,
    active_at: Annotated[Moment | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[ExemptionOut]:
    query = Search(plate=plate, kind=kind, regime=regime, active_at=active_at, limit=limit)
    async with reading(request) as repo:
        return [ExemptionOut.of(e) for e in await handlers.search(query, repo)]


@router.get("/{exemption_id}")
async def get_exemption(request: Request, _: Viewer, exemption_id: ExemptionId) -> ExemptionOut:
    async with reading(request) as repo:
        return ExemptionOut.of(await handlers.get(exemption_id, repo))


@router.patch("/{exemption_id}")
async def patch_exemption(
    request: Request, who: Issuer, exemption_id: ExemptionId, body: ExemptionPatch
) -> ExemptionOut:
    async with changing(request) as ports:
        updated = await handlers.update(exemption_id, body.changes(), actor_of(who), datetime.now(UTC), ports)
    return ExemptionOut.of(updated)


@router.post("/{exemption_id}/revoke")
async def post_revoke(request: Request, who: Issuer, exemption_id: ExemptionId) -> ExemptionOut:
    async with changing(request) as ports:
        revoked = await handlers.revoke(exemption_id, actor_of(who), datetime.now(UTC), ports)
    return ExemptionOut.of(revoked)


@router.get("/{exemption_id}/audit")
async def get_audit(request: Request, _: Auditor, exemption_id: ExemptionId) -> list[AuditOut]:
    async with reading(request) as repo:
        return [AuditOut.of(entry) for entry in await handlers.audit_trail(exemption_id, repo)]
