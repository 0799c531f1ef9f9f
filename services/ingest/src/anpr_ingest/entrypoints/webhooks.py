"""Webhook receivers in the shape of ANPR products a municipality may already run: they post their own
JSON, we map it onto reads (domain/formats) and accept each read as `POST /v1/reads` does.

Their camera ids become ours through `ANPR_INGEST_WEBHOOK_CAMERA_MAP` (JSON object, "their id" or
"agent/their id" -> ours) or else `ANPR_INGEST_WEBHOOK_CAMERA_PREFIX` + their id. A payload without a
camera (Plate Recognizer Snapshot sends camera_id null) needs `?location_id=` in the webhook's URL."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from pydantic import BaseModel, Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from anpr_contracts import ReadSource
from anpr_ingest.domain.formats import (
    CameraMap,
    FormatError,
    ReadBody,
    Target,
    decode_body,
    reads_from_openalpr,
    reads_from_platerecognizer,
)
from anpr_ingest.domain.tokens import Sender
from anpr_ingest.entrypoints.deps import components_of
from anpr_ingest.entrypoints.schemas import ReadIn
from anpr_ingest.entrypoints.senders import ReadSender
from anpr_ingest.handlers import accept_read
from anpr_runtime import PermanentError

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])

SourceParam = Annotated[ReadSource, Query(description="Kind of system behind this webhook.")]
LocationParam = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=100,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description="Location of reads whose payload names no camera.",
    ),
]
# A Plate Recognizer "webhook with image" carries one JPEG (ReadIn takes up to 4 MiB) plus its JSON.
MAX_BODY_BYTES = 6 * 1024 * 1024


class BodyTooLarge(PermanentError):
    status_code = 413


class WebhookSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ANPR_INGEST_WEBHOOK_", frozen=True, extra="ignore")

    camera_prefix: str = ""
    camera_map: dict[str, str] = Field(default_factory=dict)


class WebhookAccepted(BaseModel):
    read_ids: list[str] = Field(description="One per plate in the payload; none for a heartbeat or no plate.")


@router.post("/openalpr", status_code=status.HTTP_202_ACCEPTED)
async def post_openalpr(
    request: Request, sender: ReadSender, source: SourceParam = ReadSource.FIXED_ANPR, location_id: LocationParam = None
) -> WebhookAccepted:
    """OpenALPR / Rekor Scout agent: `alpr_group` or `alpr_results` (heartbeats and alerts give no read)."""
    payload, _image = decode_body(request.headers.get("content-type", ""), await _body(request))
    return await _accept(request, sender, reads_from_openalpr(payload, _target(request, source, location_id)))


@router.post("/platerecognizer", status_code=status.HTTP_202_ACCEPTED)
async def post_platerecognizer(
    request: Request, sender: ReadSender, source: SourceParam = ReadSource.FIXED_ANPR, location_id: LocationParam = None
) -> WebhookAccepted:
    """Plate Recognizer Snapshot or Stream webhook, data only (JSON) or with image (form: json + upload)."""
    payload, image = decode_body(request.headers.get("content-type", ""), await _body(request))
    target = _target(request, source, location_id)
    return await _accept(request, sender, reads_from_platerecognizer(payload, target, image))


async def _accept(request: Request, sender: Sender, reads: list[ReadBody]) -> WebhookAccepted:
    # Every read is checked before the first is published, so a bad payload publishes nothing.
    bodies = [_valid(read, n) for n, read in enumerate(reads)]
    for body in bodies:
        sender.authorise(body.camera_id)  # a camera token may only speak for its own camera
    ports = components_of(request).reads  # a bounded publish: a broker outage answers 503, not a hang
    read_ids = []
    for body in bodies:
        read_ids.append(str((await accept_read(body.to_event(), ports)).read_id))
    return WebhookAccepted(read_ids=read_ids)


def _valid(read: ReadBody, n: int) -> ReadIn:
    try:
        return ReadIn.model_validate(read)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise FormatError(f"read {n} ({read.get('plate', '?')}): {problems}") from exc


async def _body(request: Request) -> bytes:
    """Counted while it arrives, so a chunked body past the limit is never held whole. The body guard in
    front of the app (api.body_limits) refuses it first; this keeps the route safe on its own."""
    chunks, received = [], 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > MAX_BODY_BYTES:
            raise BodyTooLarge(f"body is over the limit of {MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _target(request: Request, source: ReadSource, location_id: str | None) -> Target:
    # Read once per app from the environment (not at import: tests set app.state.webhook_settings).
    settings = getattr(request.app.state, "webhook_settings", None)
    if not isinstance(settings, WebhookSettings):
        settings = request.app.state.webhook_settings = WebhookSettings()
    return Target(source, location_id, CameraMap(settings.camera_prefix, settings.camera_map))
