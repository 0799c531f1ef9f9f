"""Bearer tokens with roles. Admin may do everything; other roles only what a route names."""

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from anpr_runtime.settings import ServiceSettings


class Role(StrEnum):
    ADMIN = "admin"
    CAMERA = "camera"
    REVIEWER = "reviewer"
    SUPERVISOR = "supervisor"
    OPERATOR = "operator"
    SERVICE = "service"


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role


class TokenStore:
    """Maps tokens to principals; compares in constant time."""

    def __init__(self, tokens: dict[str, Principal]) -> None:
        self._tokens = tokens

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> "TokenStore":
        tokens = {settings.admin_token.get_secret_value(): Principal("admin", Role.ADMIN)}
        for item in filter(None, settings.extra_tokens.get_secret_value().split(",")):
            token, _, role = item.strip().rpartition(":")
            if not token:
                raise ValueError("ANPR_TOKENS entries must look like token:role")
            tokens[token] = Principal(f"{role}-{len(tokens)}", Role(role))
        return cls(tokens)

    def lookup(self, token: str) -> Principal | None:
        found = None
        for known, principal in self._tokens.items():
            if hmac.compare_digest(known.encode(), token.encode()):
                found = principal
        return found


_bearer = HTTPBearer(auto_error=False)


def require_roles(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    allowed = {Role.ADMIN, *roles}

    async def dependency(
        request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
    ) -> Principal:
        if credentials is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED, "missing bearer token", headers={"WWW-Authenticate": "Bearer"}
            )
        store: TokenStore = request.app.state.tokens
        principal = store.lookup(credentials.credentials)
        if principal is None:
            raise HTTPException(
                status.HTTP_401_UNAUTHORIZED, "unknown or revoked token", headers={"WWW-Authenticate": "Bearer"}
            )
        if principal.role not in allowed:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"role {principal.role} may not do this")
        return principal

    return dependency
