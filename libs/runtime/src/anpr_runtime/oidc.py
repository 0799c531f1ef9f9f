"""People's OpenID Connect access tokens (JWT), checked against the issuer's published keys.

Checked: the signature with an asymmetric algorithm from a fixed list (never `none`, never HMAC, whose
key would be the public key an attacker also has), `iss` exactly, `aud` containing the configured
audience, `exp` and `nbf` with a small leeway, and a `sub`. Roles come from a configurable claim path:
`realm_access.roles` for Keycloak, `roles` for Microsoft Entra ID app roles.

    InvalidToken                     anything wrong with the token: the caller answers 401 and logs `reason`
    IdentityProviderUnavailable      (oidc_keys) the keys cannot be fetched: 503 with Retry-After
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from joserfc import jws, jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jws import JWSRegistry

from anpr_runtime.oidc_keys import IdentityProviderUnavailable, JwksCache, UnknownKey
from anpr_runtime.settings import ServiceSettings

__all__ = ["ALGORITHMS", "IdentityProviderUnavailable", "InvalidToken", "OidcVerifier", "VerifiedPerson"]

log = logging.getLogger(__name__)

ALGORITHMS = ("RS256", "PS256", "ES256")
LEEWAY_SECONDS = 30
FALLBACK_NAME_CLAIM = "preferred_username"


class InvalidToken(Exception):
    """The token is not acceptable; `reason` is for the log, never for the caller."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class VerifiedPerson:
    subject: str
    name: str
    roles: frozenset[str]  # as the identity provider names them; the caller maps them to platform roles


def looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2 and token.startswith("ey")


class OidcVerifier:
    def __init__(
        self,
        issuer: str,
        audience: str,
        keys: JwksCache,
        *,
        roles_claim: str = "realm_access.roles",
        name_claim: str = "name",
        now: Callable[[], int] | None = None,
    ) -> None:
        self.issuer = issuer
        self._audience = audience
        self._keys = keys
        self._roles_path = [part for part in roles_claim.split(".") if part]
        self._name_claim = name_claim
        self._now = now
        self._registry = JWSRegistry(algorithms=ALGORITHMS, strict_check_header=False)

    @classmethod
    def from_settings(
        cls, settings: ServiceSettings, transport: httpx.AsyncBaseTransport | None = None
    ) -> "OidcVerifier | None":
        """None when ANPR_OIDC_ISSUER is empty: people's tokens are then refused like any unknown token."""
        if not settings.oidc_issuer:
            return None
        keys = JwksCache(settings.oidc_issuer, settings.oidc_jwks_url, transport=transport)
        return cls(
            settings.oidc_issuer,
            settings.oidc_audience,
            keys,
            roles_claim=settings.oidc_roles_claim,
            name_claim=settings.oidc_name_claim,
        )

    async def verify(self, token: str) -> VerifiedPerson:
        """Raises InvalidToken, or IdentityProviderUnavailable when the keys are needed and cannot be had."""
        try:
            header = jws.extract_compact(token.encode(), registry=self._registry).headers()
        except (JoseError, ValueError, TypeError) as error:
            raise InvalidToken(f"not a compact JWS ({type(error).__name__})") from error
        if header.get("alg") not in ALGORITHMS:
            raise InvalidToken("signature algorithm not allowed")
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise InvalidToken("kid is not a string")
        try:
            key = await self._keys.key(kid)
        except UnknownKey as error:
            raise InvalidToken("no published key has this kid") from error
        try:
            claims = jwt.decode(token, key, algorithms=ALGORITHMS, registry=self._registry).claims
            self._claims_registry().validate(claims)
        except ExpiredTokenError as error:
            raise InvalidToken("expired") from error
        except (JoseError, ValueError, TypeError) as error:
            raise InvalidToken(f"{type(error).__name__}: {error}") from error
        return VerifiedPerson(str(claims["sub"]), self._name(claims), self._roles(claims))

    def _claims_registry(self) -> jwt.JWTClaimsRegistry:
        return jwt.JWTClaimsRegistry(
            now=self._now,
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": self.issuer},
            aud={"essential": True, "value": self._audience},
            exp={"essential": True},
            sub={"essential": True},
        )

    def _roles(self, claims: dict[str, Any]) -> frozenset[str]:
        value: Any = claims
        for part in self._roles_path:
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, str):
            return frozenset({value})
        if isinstance(value, list):
            return frozenset(item for item in value if isinstance(item, str))
        return frozenset()

    def _name(self, claims: dict[str, Any]) -> str:
        for claim in (self._name_claim, FALLBACK_NAME_CLAIM):
            value = claims.get(claim)
            if isinstance(value, str) and value.strip():
                return value.strip()
        return str(claims["sub"])
