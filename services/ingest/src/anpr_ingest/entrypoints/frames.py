"""POST /v1/frames: raw JPEG from a camera gateway, published to anpr.frames.v1 or refused with a reason."""

from datetime import UTC, datetime
from typing import Annotated
from uuid import uuid4

from fastapi import APIRouter, Header, Request, status
from pydantic import AwareDatetime, BaseModel, Field

from anpr_ingest.camera_health import receive_frame
from anpr_ingest.domain.jpeg import FrameTooLarge, check_media_type
from anpr_ingest.entrypoints.deps import frame_ledger_of, frame_ports, resources_of, settings_of
from anpr_ingest.entrypoints.refusals import counting_refusals
from anpr_ingest.entrypoints.senders import FrameSender
from anpr_ingest.handlers import AcceptFrame, FrameLimits

router = APIRouter(prefix="/v1")


class FrameAccepted(BaseModel):
    frame_id: str
    duplicate: bool = Field(description="True when this frame id was accepted before (a retry).")


@router.post("/frames", status_code=status.HTTP_202_ACCEPTED, response_model=FrameAccepted)
async def post_frame(
    request: Request,
    sender: FrameSender,
    x_camera_id: Annotated[str, Header(min_length=1, max_length=100)],
    x_captured_at: Annotated[AwareDatetime, Header()],
    x_frame_id: Annotated[str | None, Header(min_length=1, max_length=200)] = None,
    x_correlation_id: Annotated[str | None, Header(max_length=100)] = None,
) -> FrameAccepted:
    resources = resources_of(request)
    settings = settings_of(resources)
    now = datetime.now(UTC)
    limits = FrameLimits(settings.max_frame_bytes, settings.max_clock_skew_seconds, settings.max_frame_age_seconds)
    async with counting_refusals(resources, x_camera_id, x_captured_at, now):
        sender.authorise(x_camera_id)
        check_media_type(request.headers.get("content-type"))
        command = AcceptFrame(
            camera_id=x_camera_id,
            captured_at=x_captured_at,
            frame_id=x_frame_id or str(uuid4()),
            image=await _body_within(request, settings.max_frame_bytes),
            correlation_id=x_correlation_id or str(uuid4()),
        )
        # The idempotency row commits only after the publish succeeded.
        async with frame_ledger_of(resources).claiming() as claims:
            fresh = await receive_frame(command, frame_ports(resources, claims), limits, now)
    return FrameAccepted(frame_id=command.frame_id, duplicate=not fresh)


async def _body_within(request: Request, max_bytes: int) -> bytes:
    """Stops reading at the limit: an oversized upload is never held in memory whole."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FrameTooLarge(f"frame is {declared} bytes, limit is {max_bytes}")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise FrameTooLarge(f"frame is over the limit of {max_bytes} bytes")
    return bytes(body)
