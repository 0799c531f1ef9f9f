"""Permits: create, change, revoke, read, search, and their audit trail. Every read needs an X-Purpose and
writes a read-log row."""

from datetime import UTC, datetime
from typing import Annotated
from uuid import uuid4

from fastapi import APIRouter, Query, Request, status

from anpr_exemptions import handlers
from anpr_exemptions.domain.model import ExemptionKind
from anpr_exemptions.domain.permit import issue
from anpr_exemptions.domain.search import Search
from anpr_exemptions.entrypoints.deps import (
    Auditor,
    AuditorPurpose,
    Issuer,
    Viewer,
    ViewerPurpose,
    actor_of,
    changing,
    components,
    reading_logged,
)
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
    who: Viewer,
    purpose: ViewerPurpose,
    plate: Annotated[Plate | None, Query()] = None,
    kind: ExemptionKind | None = None,
    regime: Annotated[ScopeId | None, Query()] = None,
    active_at: Annotated[Moment | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[ExemptionOut]:
    query = Search(plate=plate, kind=kind, regime=regime, active_at=active_at, limit=limit)
    async with reading_logged(request) as read:
        found = await handlers.search(query, read.repo)
        key = components(request).pseudonym_key
        await handlers.log_read(read.log, datetime.now(UTC), actor_of(who), "search", purpose, found, plate, key)
    return [ExemptionOut.of(e) for e in found]


@router.get("/{exemption_id}")
async def get_exemption(
    request: Request, who: Viewer, purpose: ViewerPurpose, exemption_id: ExemptionId
) -> ExemptionOut:
    async with reading_logged(request) as read:
        found = await handlers.get(exemption_id, read.repo)
        key = components(request).pseudonym_key
        await handlers.log_read(read.log, datetime.now(UTC), actor_of(who), "view", purpose, [found], None, key)
    return ExemptionOut.of(found)


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
async def get_audit(
    request: Request, who: Auditor, purpose: AuditorPurpose, exemption_id: ExemptionId
) -> list[AuditOut]:
    async with reading_logged(request) as read:
        entries = await handlers.audit_trail(exemption_id, read.repo)
        permit = await read.repo.get(exemption_id)
        key = components(request).pseudonym_key
        shown = [] if permit is None else [permit]
        await handlers.log_read(read.log, datetime.now(UTC), actor_of(who), "view_audit", purpose, shown, None, key)
    return [AuditOut.of(entry) for entry in entries]
