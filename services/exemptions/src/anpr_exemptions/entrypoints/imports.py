"""Bulk import of permits from CSV (header and formats: see `csv_rows`).

Each row is its own transaction: a row that is invalid, over quota or a duplicate is reported and never
blocks the others. A broker or database failure stops the import, because every following row would fail
the same way; those rows are reported as not imported, so the caller can send just them again.
"""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from uuid import uuid4

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import ValidationError

from anpr_exemptions import handlers
from anpr_exemptions.config import ExemptionsSettings
from anpr_exemptions.domain.model import Exemption
from anpr_exemptions.domain.permit import DayPermitPolicy, issue
from anpr_exemptions.entrypoints.csv_rows import HEADER, CsvRow, read_rows
from anpr_exemptions.entrypoints.deps import Issuer, changing, resources
from anpr_exemptions.entrypoints.schemas import ExemptionIn
from anpr_exemptions.entrypoints.views import ImportedRow, ImportOut, RowError
from anpr_runtime import PermanentError, RetriableError

router = APIRouter(prefix="/v1/exemptions", tags=["exemptions"])

_BODY = {
    "requestBody": {
        "required": True,
        "content": {"text/csv": {"schema": {"type": "string"}, "example": f"{HEADER}\n"}},
    }
}


@router.post("/import", openapi_extra=_BODY, description=f"text/csv with the header `{HEADER}`.")
async def post_import(request: Request, who: Issuer) -> ImportOut:
    settings = resources(request).settings
    assert isinstance(settings, ExemptionsSettings)
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "text/csv":
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, f"send the file as text/csv, not {media_type!r}")
    rows = read_rows(await _body(request, settings.import_max_bytes))
    if len(rows) > settings.import_max_rows:
        raise HTTPException(
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, f"{len(rows)} rows; at most {settings.import_max_rows} per import"
        )
    policy: DayPermitPolicy = resources(request).extras["policy"]

    async def grant(exemption: Exemption) -> None:
        async with changing(request) as ports:
            await handlers.grant(exemption, who.subject, datetime.now(UTC), ports)

    return await import_rows(rows, policy, grant)


async def import_rows(
    rows: list[CsvRow], policy: DayPermitPolicy, grant: Callable[[Exemption], Awaitable[None]]
) -> ImportOut:
    """`grant` stores and publishes one permit in a transaction of its own."""
    result = ImportOut(created=[], errors=[])
    for position, row in enumerate(rows):
        try:
            exemption = _exemption(row, policy)
            await grant(exemption)
        except PermanentError as exc:
            result.errors.append(RowError(row=row.number, error=str(exc)))
        except RetriableError as exc:
            result.errors.extend(
                RowError(row=r.number, error=f"not imported, send it again: {exc}") for r in rows[position:]
            )
            break
        else:
            result.created.append(ImportedRow(row=row.number, exemption_id=exemption.exemption_id))
    return result


def _exemption(row: CsvRow, policy: DayPermitPolicy) -> Exemption:
    if row.error is not None:
        raise PermanentError(row.error)
    try:
        body = ExemptionIn.model_validate(row.fields)
    except ValidationError as exc:
        raise PermanentError(_describe(exc)) from None
    return issue(str(uuid4()), body.terms(), policy)


def _describe(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or 'row'}: {error['msg'].removeprefix('Value error, ')}"
        for error in exc.errors()
    )


async def _body(request: Request, max_bytes: int) -> bytes:
    # Read in chunks so an oversized upload is refused before it is held in memory whole.
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, f"the CSV is over {max_bytes} bytes")
    return bytes(body)
