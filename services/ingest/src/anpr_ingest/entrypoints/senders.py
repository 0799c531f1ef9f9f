"""Who may post frames and reads: admin, static camera/service tokens, or a camera's own token."""

import math
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from anpr_ingest.adapters.token_cache import CachedTokensOnly, CameraTokenCache
from anpr_ingest.bootstrap import IngestComponents
from anpr_ingest.domain.health import Outcome
from anpr_ingest.domain.throttle import client_key
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
    """The sender of a request; None for a missing, unknown or revoked token, Forbidden for a role that may not send.

    From an address past its allowance of refused tokens only static tokens and cached camera tokens are
    recognised: its guesses reach neither the database nor the cache.
    """
    if credentials is None:
        return None
    finder: CameraTokenCache | CachedTokensOnly = components.token_cache
    if components.refused_tokens.retry_after(_client(request)) is not None:
        finder = CachedTokensOnly(components.token_cache)
    return await identify_sender(credentials.credentials, request.app.state.tokens, finder)


class TooManyRefusals(HTTPException):
    """429: this address sent too many unknown or revoked tokens; nothing of the request was looked at."""

    def __init__(self, wait_seconds: float) -> None:
        wait = max(1, math.ceil(wait_seconds))
        detail = f"too many unknown or revoked tokens from this address: try again in {wait} s"
        super().__init__(status.HTTP_429_TOO_MANY_REQUESTS, detail, headers={"Retry-After": str(wait)})


async def _authenticate(request: Request, credentials: HTTPAuthorizationCredentials | None) -> Sender:
    """Raises Forbidden for a role that may not send, HTTPException 401 for a missing, unknown or revoked
    token, TooManyRefusals once the address has used up its allowance of refused tokens."""
    components = components_of(request)
    sender = await identified(request, credentials, components)
    if sender is not None:
        return sender
    if credentials is not None:
        client = _client(request)
        if (wait := components.refused_tokens.retry_after(client)) is not None:
            raise TooManyRefusals(wait)
        components.refused_tokens.refused(client)
    detail = "missing bearer token" if credentials is None else "unknown or revoked token"
    raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"})


def _client(request: Request) -> str:
    # Behind a proxy this is the address uvicorn takes from X-Forwarded-For, for the proxies it trusts
    # (FORWARDED_ALLOW_IPS); otherwise every client would share the proxy's bucket.
    return client_key(request.client.host if request.client else None)


async def read_sender(request: Request, credentials: Credentials) -> Sender:
    return await _authenticate(request, credentials)


async def frame_sender(request: Request, credentials: Credentials) -> Sender:
    """As `read_sender`, and a refused token counts as `wrong_token` for the camera the frame names.

    A gateway still using a revoked token shows up in its camera's health; a request naming no camera
    (a scanner, say) is not counted anywhere, and neither is one refused with 429: anyone can name a
    camera, so one address can add at most its allowance of refusals to a camera's count.
    """
    try:
        return await _authenticate(request, credentials)
    except TooManyRefusals:
        raise
    except (HTTPException, Forbidden):
        if camera_id := request.headers.get("x-camera-id"):
            await count_refusal(components_of(request), camera_id, Outcome.WRONG_TOKEN, None, datetime.now(UTC))
        raise


ReadSender = Annotated[Sender, Depends(read_sender)]
FrameSender = Annotated[Sender, Depends(frame_sender)]
