"""Per-camera tokens: issued and revoked by an admin, checked for every frame and read a gateway sends."""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import uuid4

from anpr_ingest.adapters.repository import IngestRepository
from anpr_ingest.adapters.tokens import CameraTokenRepository
from anpr_ingest.domain.tokens import TOKEN_PREFIX, CameraToken, Sender, new_secret, token_hash
from anpr_ingest.handlers.sites import known_camera
from anpr_runtime import Forbidden, NotFound
from anpr_runtime.auth import Principal, Role

SENDER_ROLES = frozenset({Role.ADMIN, Role.CAMERA, Role.SERVICE})


class StaticTokens(Protocol):
    def lookup(self, token: str) -> Principal | None: ...


class TokenFinder(Protocol):
    async def find(self, token_hash: str) -> CameraToken | None: ...


@dataclass(frozen=True)
class IssuedToken:
    token: CameraToken
    secret: str  # shown once, in the answer to the admin; never stored


async def issue_token(
    camera_id: str, label: str, repo: IngestRepository, tokens: CameraTokenRepository, now: datetime
) -> IssuedToken:
    await known_camera(camera_id, repo)
    secret = new_secret()
    token = CameraToken(str(uuid4()), camera_id, label, now)
    await tokens.add_token(token, token_hash(secret))
    return IssuedToken(token, secret)


async def tokens_of_camera(camera_id: str, repo: IngestRepository, tokens: CameraTokenRepository) -> list[CameraToken]:
    await known_camera(camera_id, repo)
    return await tokens.tokens_of(camera_id)


async def revoke_token(camera_id: str, token_id: str, tokens: CameraTokenRepository, now: datetime) -> CameraToken:
    """Idempotent: revoking a revoked token again keeps the first revocation time."""
    await tokens.revoke_token(camera_id, token_id, now)
    token = await tokens.get_token(camera_id, token_id)
    if token is None:
        raise NotFound(f"camera {camera_id!r} has no token {token_id!r}")
    return token


async def identify_sender(secret: str, static: StaticTokens, camera_tokens: TokenFinder) -> Sender | None:
    """The sender a bearer token stands for; None when the token is unknown or revoked."""
    principal = static.lookup(secret)
    if principal is not None:
        if principal.role not in SENDER_ROLES:
            raise Forbidden(f"role {principal.role} may not send frames or reads")
        # A named static camera token speaks for its own camera only, as an issued camera token does.
        return Sender(principal.subject, principal.camera_id)
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = await camera_tokens.find(token_hash(secret))
    return None if token is None else Sender(f"camera-token:{token.token_id}", token.camera_id)
