from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Row, and_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from anpr_ingest.adapters.tables import camera_tokens
from anpr_ingest.domain.tokens import CameraToken


class CameraTokenRepository(Protocol):
    async def add_token(self, token: CameraToken, token_hash: str) -> None: ...
    async def tokens_of(self, camera_id: str) -> list[CameraToken]: ...
    async def get_token(self, camera_id: str, token_id: str) -> CameraToken | None: ...
    async def revoke_token(self, camera_id: str, token_id: str, at: datetime) -> bool: ...
    async def token_by_hash(self, token_hash: str) -> CameraToken | None: ...


class PostgresCameraTokenRepository:
    """Works inside the caller's transaction (one connection per request)."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def add_token(self, token: CameraToken, token_hash: str) -> None:
        await self._db.execute(
            camera_tokens.insert().values(
                token_id=token.token_id,
                camera_id=token.camera_id,
                token_hash=token_hash,
                label=token.label,
                created_at=token.created_at,
                revoked_at=token.revoked_at,
            )
        )

    async def tokens_of(self, camera_id: str) -> list[CameraToken]:
        rows = await self._db.execute(
            select(camera_tokens)
            .where(camera_tokens.c.camera_id == camera_id)
            .order_by(camera_tokens.c.created_at, camera_tokens.c.token_id)
        )
        return [_token(row) for row in rows]

    async def get_token(self, camera_id: str, token_id: str) -> CameraToken | None:
        row = (
            await self._db.execute(
                select(camera_tokens).where(
                    and_(camera_tokens.c.camera_id == camera_id, camera_tokens.c.token_id == token_id)
                )
            )
        ).first()
        return None if row is None else _token(row)

    async def revoke_token(self, camera_id: str, token_id: str, at: datetime) -> bool:
        """False when it was revoked before (its first revocation time stays)."""
        result = await self._db.execute(
            update(camera_tokens)
            .where(
                and_(
                    camera_tokens.c.camera_id == camera_id,
                    camera_tokens.c.token_id == token_id,
                    camera_tokens.c.revoked_at.is_(None),
                )
            )
            .values(revoked_at=at)
        )
        return result.rowcount == 1

    async def token_by_hash(self, token_hash: str) -> CameraToken | None:
        row = (await self._db.execute(select(camera_tokens).where(camera_tokens.c.token_hash == token_hash))).first()
        return None if row is None else _token(row)


def _token(row: Row[Any]) -> CameraToken:
    return CameraToken(row.token_id, row.camera_id, row.label, row.created_at, row.revoked_at)
