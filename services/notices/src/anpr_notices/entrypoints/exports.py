"""What leaves the system: export batches of issued notices and warnings, and warning letters."""

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse

from anpr_notices.adapters.audit import PostgresAuditLog
from anpr_notices.adapters.candidates import PostgresCandidateRepository
from anpr_notices.adapters.exports import PostgresExportRepository
from anpr_notices.domain.exports import export_record, to_csv, to_json
from anpr_notices.domain.model import Actor
from anpr_notices.entrypoints.deps import SupervisionPurpose, Supervisor, actor_of, settings, transaction
from anpr_notices.handlers import export_issued, warning_letter_of
from anpr_runtime import NotFound

router = APIRouter(prefix="/v1", tags=["exports"])
PRIVATE = {"Cache-Control": "private, no-store"}


@router.post("/exports", status_code=201)
async def create_export(request: Request, who: Supervisor) -> dict[str, Any]:
    """Moves every issued, not yet exported notice and warning into a new batch (status `exported`)."""
    async with transaction(request) as connection:
        batch = await export_issued(actor_of(who), datetime.now(UTC), PostgresExportRepository(connection))
    return _with_links(batch)


@router.get("/exports")
async def list_exports(
    request: Request, _: Supervisor, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> dict[str, Any]:
    """The export batches, newest first: who made them, when, how many notices and warnings, and where to
    download them. No personal data (the downloads are audited), so no audit row."""
    async with transaction(request) as connection:
        batches = await PostgresExportRepository(connection).batches(limit)
    return {"items": [_with_links({**b, "count": b["notices"] + b["warnings"]}) for b in batches]}


@router.get("/exports/{batch_id}.csv", response_class=Response)
async def export_csv(request: Request, who: Supervisor, batch_id: UUID, purpose: SupervisionPurpose) -> Response:
    _, records = await _records(request, actor_of(who), batch_id, purpose)
    return Response(
        to_csv(records),
        media_type="text/csv; charset=utf-8",
        headers={**PRIVATE, "Content-Disposition": f'attachment; filename="export-{batch_id}.csv"'},
    )


@router.get("/exports/{batch_id}.json", response_class=Response)
async def export_json(request: Request, who: Supervisor, batch_id: UUID, purpose: SupervisionPurpose) -> Response:
    batch, records = await _records(request, actor_of(who), batch_id, purpose)
    return Response(to_json(batch, records), media_type="application/json", headers=PRIVATE)


@router.get("/letters/{candidate_id}", response_class=HTMLResponse)
async def warning_letter(request: Request, who: Supervisor, candidate_id: UUID, purpose: SupervisionPurpose) -> Any:
    """The printable warning letter of a candidate for which a warning was issued (409 otherwise)."""
    async with transaction(request) as connection:
        letter = await warning_letter_of(candidate_id, PostgresCandidateRepository(connection))
        await PostgresAuditLog(connection).record(
            datetime.now(UTC), actor_of(who), "warning_letter", [str(candidate_id)], purpose
        )
    return HTMLResponse(letter, headers=PRIVATE)


async def _records(
    request: Request, by: Actor, batch_id: UUID, purpose: str
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    base_url = settings(request).public_url or str(request.base_url)
    async with transaction(request) as connection:
        found = await PostgresExportRepository(connection).batch(batch_id)
        if found is None:
            raise NotFound(f"no export batch {batch_id}")
        batch, members = found
        subjects = [str(c["candidate_id"]) for c in members]
        await PostgresAuditLog(connection).record(datetime.now(UTC), by, "export", subjects, purpose)
    return batch, [export_record(c, base_url) for c in members]


def _with_links(batch: dict[str, Any]) -> dict[str, Any]:
    base = f"/v1/exports/{batch['batch_id']}"
    return {**batch, "csv": f"{base}.csv", "json": f"{base}.json"}
