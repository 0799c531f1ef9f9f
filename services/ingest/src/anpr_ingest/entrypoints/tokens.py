"""Per-camera tokens, managed by an admin: the token itself is in the answer to its creation only."""

from datetime import UTC, datetime

from fastapi import APIRouter, Request, status
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from anpr_ingest.adapters.repository import PostgresIngestRepository
from anpr_ingest.adapters.tokens import PostgresCameraTokenRepository
from anpr_ingest.bootstrap import IngestComponents
from anpr_ingest.domain.tokens import CameraToken
from anpr_ingest.entrypoints.deps import Admin, resources_of
from anpr_ingest.handlers import issue_token, revoke_token, tokens_of_camera
from anpr_runtime.inputs import Identifier, Text

router = APIRouter(prefix="/v1")


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: Text = Field(default="", max_length=200, description="What the token is for, e.g. the gateway's name.")


class TokenOut(BaseModel):
    token_id: str
    camera_id: str
    label: str
    created_at: AwareDatetime
    revoked_at: AwareDatetime | None

    @classmethod
    def of(cls, token: CameraToken) -> "TokenOut":
        return cls(**vars(token))


class TokenIssued(TokenOut):
    token: str = Field(description="The bearer token for this camera's gateway. Shown once: it is not stored.")


@router.post("/cameras/{camera_id}/tokens", status_code=status.HTTP_201_CREATED)
async def post_token(request: Request, _: Admin, camera_id: Identifier, body: TokenIn | None = None) -> TokenIssued:
    async with resources_of(request).engine.begin() as connection:
        issued = await issue_token(
            camera_id,
            body.label if body else "",
            PostgresIngestRepository(connection),
            PostgresCameraTokenRepository(connection),
            datetime.now(UTC),
        )
    return TokenIssued(**TokenOut.of(issued.token).model_dump(), token=issued.secret)


@router.get("/cameras/{camera_id}/tokens")
async def get_tokens(request: Request, _: Admin, camera_id: Identifier) -> list[TokenOut]:
    async with resources_of(request).engine.connect() as connection:
        found = await tokens_of_camera(
            camera_id, PostgresIngestRepository(connection), PostgresCameraTokenRepository(connection)
        )
    return [TokenOut.of(token) for token in found]


@router.post("/cameras/{camera_id}/tokens/{token_id}/revoke")
async def post_token_revoke(request: Request, _: Admin, camera_id: Identifier, token_id: Identifier) -> TokenOut:
    resources = resources_of(request)
    async with resources.engine.begin() as connection:
        revoked = await revoke_token(camera_id, token_id, PostgresCameraTokenRepository(connection), datetime.now(UTC))
    # At once here; other instances notice within their cache TTL (token_cache_seconds).
    resources.component(IngestComponents).token_cache.clear()
    return TokenOut.of(revoked)
