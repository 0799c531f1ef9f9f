"""What the handlers need, as protocols: the PostgreSQL store, the OIDC client and the services' APIs
satisfy them, and so do the fakes of the unit tests."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from anpr_console.domain.session import LoginAttempt, Session
from anpr_runtime.oidc import VerifiedPerson


class SessionStore(Protocol):
    async def get(self, session_id: str, now: datetime) -> Session | None: ...
    async def save(self, session: Session) -> None: ...
    async def delete(self, session_id: str) -> None: ...
    async def begin_login(self, attempt: LoginAttempt) -> None: ...
    async def take_login(self, state: str, now: datetime) -> LoginAttempt | None: ...


class TokenSet(Protocol):
    @property
    def access_token(self) -> str: ...
    @property
    def refresh_token(self) -> str: ...
    @property
    def id_token(self) -> str: ...
    @property
    def expires_in(self) -> int: ...


class IdentityProvider(Protocol):
    async def authorization_url(self, redirect_uri: str, state: str, nonce: str, code_challenge: str) -> str: ...
    async def exchange_code(self, code: str, code_verifier: str, redirect_uri: str) -> TokenSet: ...
    async def refresh(self, refresh_token: str) -> TokenSet: ...
    async def verify_id_token(self, id_token: str, nonce: str) -> dict[str, Any]: ...
    async def end_session_url(self, id_token_hint: str, post_logout_redirect_uri: str) -> str | None: ...


class AccessTokens(Protocol):
    """The services' own check (anpr_runtime.oidc.OidcVerifier): roles come from the access token."""

    async def verify(self, token: str) -> VerifiedPerson: ...


@dataclass(frozen=True)
class Lifetimes:
    login: timedelta  # from the redirect to the provider until its callback
    idle: timedelta
    maximum: timedelta


@dataclass(frozen=True)
class Identity:
    """What signing in and every session check need, built once by bootstrap."""

    store: SessionStore
    provider: IdentityProvider
    access_tokens: AccessTokens
    lifetimes: Lifetimes
    redirect_uri: str


@dataclass(frozen=True)
class Panel:
    """Data from a side call that may be refused, down or not deployed yet without the page failing (a
    permit's quota or audit, a candidate's vehicle or history): the page says it is unavailable."""

    available: bool
    data: Any = None
