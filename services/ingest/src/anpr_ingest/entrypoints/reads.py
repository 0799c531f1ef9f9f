"""POST /v1/reads and /v1/reads/batch: already-recognised reads from systems the municipality has."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Request, Response, status
from pydantic import BaseModel, Field, ValidationError
from pydantic_core import to_json

from anpr_contracts import Direction, PlateRecognized
from anpr_ingest.entrypoints.deps import components_of
from anpr_ingest.entrypoints.schemas import ReadIn
from anpr_ingest.entrypoints.senders import ReadSender
from anpr_ingest.handlers import accept_read, accept_reads
from anpr_runtime import AnprError, PermanentError
from anpr_runtime.correlation import CORRELATION_ID

router = APIRouter(prefix="/v1")


class ReadAccepted(BaseModel):
    read_id: str
    location_id: str = Field(description="Where the read was attributed: the camera's placement, or as sent.")
    zone_id: str | None
    direction: Direction | None


class BatchItem(BaseModel):
    index: int = Field(description="Position of the read in the submitted array.")
    read_id: str | None = Field(default=None, description="Set when the read was accepted.")
    error: str | None = Field(default=None, description="Why the read was refused.")
    status: int = Field(description="What POST /v1/reads would have answered for this read alone.")


class BatchAnswer(BaseModel):
    accepted: int
    refused: int
    results: list[BatchItem]


@router.post("/reads", status_code=status.HTTP_202_ACCEPTED)
async def post_read(request: Request, sender: ReadSender, body: ReadIn) -> ReadAccepted:
    sender.authorise(body.camera_id)
    read = await accept_read(body.to_event(CORRELATION_ID.get()), components_of(request).reads)
    return ReadAccepted(
        read_id=str(read.read_id), location_id=read.location_id or "", zone_id=read.zone_id, direction=read.direction
    )


@router.post(
    "/reads/batch",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=BatchAnswer,
    responses={207: {"model": BatchAnswer, "description": "Some reads were refused: see their `error`."}},
)
async def post_read_batch(
    request: Request,
    sender: ReadSender,
    body: Annotated[list[Any], Body(description="Reads as POST /v1/reads takes them (read-submission.schema.json).")],
) -> Response:
    components = components_of(request)
    limit = components.settings.max_batch_reads
    if len(body) > limit:
        raise PermanentError(f"a batch holds at most {limit} reads, got {len(body)}")
    parsed = [_parse(item) for item in body]
    valid = [read for read in parsed if isinstance(read, PlateRecognized)]
    outcomes = iter(await accept_reads(valid, sender, components.reads))
    results = [_item(n, next(outcomes) if isinstance(read, PlateRecognized) else read) for n, read in enumerate(parsed)]
    refused = sum(item["error"] is not None for item in results)
    # BatchAnswer's JSON written at once from our own values of its declared types: a BatchItem per read
    # and FastAPI's validation and encoding of the answer were some 5 us per read of ingest's CPU (a
    # batch answers for up to 1,000 reads); the declared response model still documents it.
    return Response(
        to_json({"accepted": len(results) - refused, "refused": refused, "results": results}),
        status_code=status.HTTP_207_MULTI_STATUS if refused else status.HTTP_202_ACCEPTED,
        media_type="application/json",
    )


def _parse(item: object) -> PlateRecognized | PermanentError:
    try:
        return ReadIn.model_validate(item).to_event(CORRELATION_ID.get())
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'read'}: {e['msg']}" for e in exc.errors())
        return PermanentError(problems)


def _item(index: int, outcome: PlateRecognized | AnprError) -> dict[str, Any]:
    """A BatchItem as JSON data, every field present as the model writes it."""
    if isinstance(outcome, AnprError):
        return {"index": index, "read_id": None, "error": str(outcome), "status": outcome.status_code}
    return {"index": index, "read_id": str(outcome.read_id), "error": None, "status": status.HTTP_202_ACCEPTED}
