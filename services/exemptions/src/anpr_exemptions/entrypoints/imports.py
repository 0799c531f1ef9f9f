"""Bulk import of permits from CSV (header and formats: see `domain.csv_rows`; per-row transactions and
what stops an import: see `handlers.imports`)."""

from collections.abc import Mapping
from datetime import UTC, datetime
from functools import partial
from typing import Any
from uuid import uuid4

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import ValidationError

from anpr_exemptions import handlers
from anpr_exemptions.domain.csv_rows import HEADER, read_rows
from anpr_exemptions.domain.model import Exemption
from anpr_exemptions.domain.permit import DayPermitPolicy, issue
from anpr_exemptions.entrypoints.deps import Issuer, actor_of, changing, components, settings
from anpr_exemptions.entrypoints.schemas import ExemptionIn
from anpr_exemptions.entrypoints.views import ImportOut
from anpr_runtime import PermanentError

router = APIRouter(prefix="/v1/exemptions", tags=["exemptions"])

_BODY = {
    "requestBody": {
        "required": True,
        "content": {"text/csv": {"schema": {"type": "string"}, "example": f"{HEADER}\n"}},
    }
}


@router.post("/import", openapi_extra=_BODY, description=f"text/csv with the header `{HEADER}`.")
async def post_import(request: Request, who: Issuer) -> ImportOut:
    limits = settings(request)
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "text/csv":
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, f"send the file as text/csv, not {media_type!r}")
    rows = read_rows(await _body(request, limits.import_max_bytes))
    if len(rows) > limits.import_max_rows:
        raise HTTPException(
            status.HTTP_413_REQUEST_ENTITY_TOO_LARGE, f"{len(rows)} rows; at most {limits.import_max_rows} per import"
        )

    async def grant(exemption: Exemption) -> None:
        async with changing(request) as ports:
            await handlers.grant(exemption, actor_of(who), datetime.now(UTC), ports)

    report = await handlers.import_rows(rows, partial(exemption_of, policy=components(request).policy), grant)
    return ImportOut.of(report)


def exemption_of(fields: Mapping[str, Any], policy: DayPermitPolicy) -> Exemption:
    """A CSV row's fields, validated as the API validates a body, issued as a new permit."""
    try:
        body = ExemptionIn.model_validate(fields)
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
