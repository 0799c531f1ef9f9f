"""Bearer tokens with roles. Admin may do everything; other roles only what a route names.

Two kinds of bearer: machines (cameras, gateways, services) with static tokens from the settings, looked
up first and without any network; and people with OpenID Connect access tokens (JWT) from the
configured issuer, checked by `app.state.oidc` (an `OidcVerifier`, or None when OIDC is off). Applicants
(residents, businesses at the permit counter) bring access tokens of a second issuer, checked by
`app.state.public_oidc` (an `ApplicantVerifier`, or None): they hold the role `applicant` only.
"""

import hashlib
import hmac
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from anpr_runtime.oidc import (
    ApplicantVerifier,
    InvalidToken,
    OidcVerifier,
    VerifiedPerson,
    looks_like_jwt,
    unverified_issuer,
)
from anpr_runtime.oidc_keys import IdentityProviderUnavailable
from anpr_runtime.settings import ServiceSettings

log = logging.getLogger(__name__)


class Role(StrEnum):
    ADMIN = "admin"
    CAMERA = "camera"
    REVIEWER = "reviewer"
    SUPERVISOR = "supervisor"
    OPERATOR = "operator"
    PERMIT_DESK = "permit_desk"
    SERVICE = "service"
    # A resident or business signed in at the applicants' issuer; never a machine's or staff's role.
    APPLICANT = "applicant"


# Roles a person's token may bring; camera and service are for machines only.
PERSON_ROLES = frozenset({Role.ADMIN, Role.REVIEWER, Role.SUPERVISOR, Role.OPERATOR, Role.PERMIT_DESK})
# `Principal.role` is the first of these that the principal holds.
_PRIMARY_ORDER = (
    Role.ADMIN,
    Role.SUPERVISOR,
    Role.OPERATOR,
    Role.PERMIT_DESK,
    Role.REVIEWER,
    Role.SERVICE,
    Role.CAMERA,
    Role.APPLICANT,
)


@dataclass(frozen=True)
class Principal:
    """Who is calling: `subject` is stable (a person's `sub`, a machine token's name or fingerprint)."""

    subject: str
    roles: frozenset[Role]
    name: str = ""  # display name; the subject when none is known
    person: bool = False
    # The one camera a static camera token may send for (its name in ANPR_TOKENS); None: not bound.
    camera_id: str | None = None

    def __post_init__(self) -> None:
        if not self.roles:
            raise ValueError("a principal holds at least one role")
        if not self.name:
            object.__setattr__(self, "name", self.subject)

    @classmethod
    def machine(cls, subject: str, role: Role, name: str = "", camera_id: str | None = None) -> "Principal":
        return cls(subject, frozenset({role}), name, camera_id=camera_id)

    @property
    def role(self) -> Role:
        """The primary role, for code that predates several roles per principal."""
        return next(role for role in _PRIMARY_ORDER if role in self.roles)

    def holds_any(self, roles: Iterable[Role]) -> bool:
        return not self.roles.isdisjoint(roles)


def machine_subject(token: str, role: Role, name: str) -> str:
    """A stable subject: the configured name, else a fingerprint that survives reordering ANPR_TOKENS."""
    return name or f"{role.value}-{hashlib.sha256(token.encode()).hexdigest()[:8]}"


class TokenStore:
    """Maps machine tokens to principals; compares in constant time."""

    def __init__(self, tokens: dict[str, Principal]) -> None:
        self._tokens = tokens

    @classmethod
    def from_settings(cls, settings: ServiceSettings) -> "TokenStore":
        tokens = {settings.admin_token.get_secret_value(): Principal.machine("admin", Role.ADMIN)}
        for entry in settings.machine_tokens():
            role = Role(entry.role)
            # A named camera token is its camera's (`camera-7:camera:...`); an unnamed one, which production
            # refuses, keeps the old behaviour of any camera for development and test set-ups.
            camera = entry.name if role is Role.CAMERA and entry.name else None
            subject = machine_subject(entry.token, role, entry.name)
            tokens[entry.token] = Principal.machine(subject, role, camera_id=camera)
        return cls(tokens)

    def lookup(self, token: str) -> Principal | None:
        found = None
        for known, principal in self._tokens.items():
            if hmac.compare_digest(known.encode(), token.encode()):
                found = principal
        return found


def person_principal(person: VerifiedPerson) -> Principal | None:
    """None when the person holds none of the platform's roles."""
    roles = frozenset(role for role in PERSON_ROLES if role.value in person.roles)
    return Principal(person.subject, roles, person.name, person=True) if roles else None


_bearer = HTTPBearer(auto_error=False)


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"})


async def authenticate(request: Request, token: str) -> Principal:
    """The principal behind a bearer token. 401 for any refused token (the reason only in the log), 403
    for a person without platform roles, 503 when a person's token needs keys the provider cannot give."""
    store: TokenStore = request.app.state.tokens
    principal = store.lookup(token)
    if principal is not None:
        return principal
    if not looks_like_jwt(token):
        raise _unauthorized("invalid token")
    applicants: ApplicantVerifier | None = getattr(request.app.state, "public_oidc", None)
    if applicants is not None and unverified_issuer(token) == applicants.issuer:
        return await _applicant(applicants, token)
    verifier: OidcVerifier | None = getattr(request.app.state, "oidc", None)
    if verifier is None:
        raise _unauthorized("invalid token")
    try:
        person = await verifier.verify(token)
    except InvalidToken as error:
        log.info("refused an access token: %s", error.reason)
        raise _unauthorized("invalid token") from None
    except IdentityProviderUnavailable as error:
        raise _provider_unavailable(error) from None
    found = person_principal(person)
    if found is None:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "no role of this platform")
    return found


async def _applicant(verifier: ApplicantVerifier, token: str) -> Principal:
    try:
        applicant = await verifier.verify(token)
    except InvalidToken as error:
        log.info("refused an applicant's access token: %s", error.reason)
        raise _unauthorized("invalid token") from None
    except IdentityProviderUnavailable as error:
        raise _provider_unavailable(error) from None
    return Principal(applicant.applicant_id, frozenset({Role.APPLICANT}), applicant.name, person=True)


def _provider_unavailable(error: IdentityProviderUnavailable) -> HTTPException:
    return HTTPException(
        status.HTTP_503_SERVICE_UNAVAILABLE,
        "the identity provider is unavailable; try again shortly",
        headers={"Retry-After": str(error.retry_after_seconds)},
    )


def require_roles(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    allowed = {Role.ADMIN, *roles}

    async def dependency(
        request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
    ) -> Principal:
        if credentials is None:
            raise _unauthorized("missing bearer token")
        principal = await authenticate(request, credentials.credentials)
        if not principal.holds_any(allowed):
            held = ", ".join(sorted(principal.roles))
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, f"role{'s' if len(principal.roles) > 1 else ''} {held} may not do this"
            )
        return principal

    return dependency
