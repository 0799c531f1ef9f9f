"""Who may post frames and reads: admin, static camera/service tokens, or a camera's own token."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from anpr_ingest.bootstrap import IngestComponents
from anpr_ingest.domain.health import Outcome
from anpr_ingest.domain.tokens import Sender
from anpr_ingest.entrypoints.deps import components_of
from anpr_ingest.entrypoints.refusals import count_refusal
from anpr_ingest.handlers import identify_sender
from anpr_runtime import Forbidden

bearer = HTTPBearer(auto_error=False)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


async def identified(
    request: Request, credentials: HTTPAuthorizationCredentials | None, components: IngestComponents
) -> Sender | None:
    """The sender of a request; None for a missing, unknown or revoked token, Forbidden for a role that may not send."""
    if credentials is None:
        return None
    return await identify_sender(credentials.credentials, request.app.state.tokens, components.token_cache)


async def _authenticate(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Sender:
    """Raises Forbidden for a role that may not send, HTTPException 401 for a missing, unknown or revoked token."""
    sender = await identified(request, credentials, components_of(request))
    if sender is None:
        detail = "missing bearer token" if credentials is None else "unknown or revoked token"
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"})
    return sender


async def read_sender(request: Request, credentials: Credentials) -> Sender:
    return await _authenticate(request, credentials)


async def frame_sender(request: Request, credentials: Credentials) -> Sender:
    """As `read_sender`, and a refused token counts as `wrong_token` for the camera the frame names.

    A gateway still using a revoked token shows up in its camera's health; a request naming no camera
    (a scanner, say) is not counted anywhere.
    """
    try:
        return await _authenticate(request, credentials)
    except (HTTPException, Forbidden):
        if camera_id := request.headers.get("x-camera-id"):
            await count_refusal(components_of(request), camera_id, Outcome.WRONG_TOKEN, None, datetime.now(UTC))
        raise


ReadSender = Annotated[Sender, Depends(read_sender)]
FrameSender = Annotated[Sender, Depends(frame_sender)]
