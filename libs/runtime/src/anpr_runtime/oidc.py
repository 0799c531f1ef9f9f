"""People's OpenID Connect access tokens (JWT), checked against the issuer's published keys.

Checked: the signature with an asymmetric algorithm from a fixed list (never `none`, never HMAC, whose
key would be the public key an attacker also has), `iss` exactly, `aud` containing the configured
audience, `exp` and `nbf` with a small leeway, and a `sub`. Roles come from a configurable claim path:
`realm_access.roles` for Keycloak, `roles` for Microsoft Entra ID app roles.

    InvalidToken                     anything wrong with the token: the caller answers 401 and logs `reason`
    IdentityProviderUnavailable      (oidc_keys) the keys cannot be fetched: 503 with Retry-After
"""

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from joserfc import jws, jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jws import JWSRegistry

from anpr_runtime.oidc_keys import IdentityProviderUnavailable, JwksCache, UnknownKey
from anpr_runtime.settings import ServiceSettings

__all__ = [
    "ALGORITHMS",
    "ApplicantVerifier",
    "IdentityProviderUnavailable",
    "InvalidToken",
    "OidcVerifier",
    "VerifiedApplicant",
    "VerifiedPerson",
    "unverified_issuer",
]

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


@dataclass(frozen=True)
class VerifiedApplicant:
    """A resident or business from the applicants' issuer: `applicant_id` is `prefix:number`."""

    applicant_id: str
    name: str


def looks_like_jwt(token: str) -> bool:
    return token.count(".") == 2 and token.startswith("ey")


def unverified_issuer(token: str) -> str | None:
    """The `iss` a token claims, read WITHOUT checking anything: only to pick which verifier checks it
    (each verifier then checks `iss` exactly, with the signature)."""
    try:
        payload = jws.extract_compact(token.encode()).payload
        issuer = json.loads(payload).get("iss")
    except (JoseError, ValueError, TypeError, AttributeError):
        return None
    return issuer if isinstance(issuer, str) else None


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
        claims = await self.verified_claims(token)
        return VerifiedPerson(str(claims["sub"]), self._name(claims), self._roles(claims))

    async def verified_claims(self, token: str) -> dict[str, Any]:
        """The claims of a token whose signature, iss, aud, exp and sub were checked; raises as `verify`."""
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
        return claims

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

    def name(self, claims: dict[str, Any]) -> str:
        return self._name(claims)

    def _name(self, claims: dict[str, Any]) -> str:
        for claim in (self._name_claim, FALLBACK_NAME_CLAIM):
            value = claims.get(claim)
            if isinstance(value, str) and value.strip():
                return value.strip()
        return str(claims["sub"])


# A BSN is 9 digits, a KvK number 8; a broker's other identifiers stay within this.
_APPLICANT_NUMBER = re.compile(r"[0-9A-Za-z]{1,32}")


def applicant_id_claims(setting: str) -> tuple[tuple[str, str], ...]:
    """`bsn,kvk` or `bsn=urn:nl:bsn,...` -> ((prefix, claim), ...)."""
    pairs = []
    for entry in (part.strip() for part in setting.split(",")):
        if entry:
            prefix, _, claim = entry.partition("=")
            pairs.append((prefix.strip(), (claim or prefix).strip()))
    return tuple(pairs)


class ApplicantVerifier:
    """Access tokens of the applicants' issuer (DigiD / eHerkenning or a stand-in). Roles in the token
    are ignored: whoever signs in there is an applicant and nothing else. The applicant is identified by
    the first configured identifier claim present (`bsn:999990019`), never by `sub`, which a broker may
    change per session."""

    def __init__(self, verifier: OidcVerifier, id_claims: tuple[tuple[str, str], ...]) -> None:
        if not id_claims:
            raise ValueError("ANPR_PUBLIC_OIDC_ID_CLAIMS names no claim")
        self._verifier = verifier
        self._id_claims = id_claims

    @property
    def issuer(self) -> str:
        return self._verifier.issuer

    @classmethod
    def from_settings(
        cls, settings: ServiceSettings, transport: httpx.AsyncBaseTransport | None = None
    ) -> "ApplicantVerifier | None":
        """None when ANPR_PUBLIC_OIDC_ISSUER is empty: applicants' tokens are then refused."""
        if not settings.public_oidc_issuer:
            return None
        keys = JwksCache(settings.public_oidc_issuer, settings.public_oidc_jwks_url, transport=transport)
        verifier = OidcVerifier(settings.public_oidc_issuer, settings.public_oidc_audience, keys)
        return cls(verifier, applicant_id_claims(settings.public_oidc_id_claims))

    async def verify(self, token: str) -> VerifiedApplicant:
        claims = await self._verifier.verified_claims(token)
        for prefix, claim in self._id_claims:
            value = claims.get(claim)
            if isinstance(value, str) and _APPLICANT_NUMBER.fullmatch(value.strip()):
                return VerifiedApplicant(f"{prefix}:{value.strip()}", self._verifier.name(claims))
        raise InvalidToken("no applicant identifier claim")
