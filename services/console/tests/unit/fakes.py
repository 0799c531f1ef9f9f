"""In-memory stand-ins for the handlers' ports (handlers/ports.py), a signed-in person's session, and the
whole console app with its services answered in memory."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from anpr_console import ConsoleSettings, create_app
from anpr_console.adapters.oidc_client import LoginFailed, TokenResponse
from anpr_console.adapters.services_api import ServicesApi
from anpr_console.bootstrap import ConsoleComponents
from anpr_console.domain.session import LoginAttempt, Session, Tokens
from anpr_console.entrypoints.deps import SESSION_COOKIE
from anpr_console.handlers.ports import Identity, Lifetimes
from anpr_runtime.oidc import InvalidToken, VerifiedPerson


class FakeSessionStore:
    def __init__(self) -> None:
        self.sessions: dict[str, Session] = {}
        self.logins: dict[str, LoginAttempt] = {}

    async def get(self, session_id: str, now: datetime) -> Session | None:
        found = self.sessions.get(session_id)
        return found if found is not None and found.expires_at > now else None

    async def save(self, session: Session) -> None:
        self.sessions[session.session_id] = session

    async def delete(self, session_id: str) -> None:
        self.sessions.pop(session_id, None)

    async def begin_login(self, attempt: LoginAttempt) -> None:
        self.logins[attempt.state] = attempt

    async def take_login(self, state: str, now: datetime) -> LoginAttempt | None:
        found = self.logins.pop(state, None)
        return found if found is not None and found.expires_at > now else None


@dataclass
class FakeProvider:
    """Hands out access tokens named `access-<n>`; `refusing` makes refreshes fail as after a logout."""

    subject: str = "sub-renske"
    refusing: bool = False
    issued: int = 0
    authorized: list[dict[str, str]] = field(default_factory=list)

    def _tokens(self) -> TokenResponse:
        self.issued += 1
        return TokenResponse(f"access-{self.issued}", f"refresh-{self.issued}", f"id-{self.issued}", 300)

    async def authorization_url(self, redirect_uri: str, state: str, nonce: str, code_challenge: str) -> str:
        self.authorized.append({"state": state, "nonce": nonce, "challenge": code_challenge})
        return f"https://idp.example/auth?state={state}"

    async def exchange_code(self, code: str, code_verifier: str, redirect_uri: str) -> TokenResponse:
        if code != "good-code":
            raise LoginFailed("invalid_grant")
        return self._tokens()

    async def refresh(self, refresh_token: str) -> TokenResponse:
        if self.refusing:
            raise LoginFailed("invalid_grant")
        return self._tokens()

    async def verify_id_token(self, id_token: str, nonce: str) -> dict[str, Any]:
        if nonce != self.authorized[-1]["nonce"]:
            raise LoginFailed("nonce")
        return {"sub": self.subject}

    async def end_session_url(self, id_token_hint: str, post_logout_redirect_uri: str) -> str | None:
        return f"https://idp.example/logout?id_token_hint={id_token_hint}"


@dataclass
class FakeAccessTokens:
    roles: frozenset[str] = frozenset({"reviewer"})
    subject: str = "sub-renske"

    async def verify(self, token: str) -> VerifiedPerson:
        if not token.startswith("access-"):
            raise InvalidToken("not ours")
        return VerifiedPerson(self.subject, "Renske de Vries", self.roles)


def identity(
    store: FakeSessionStore | None = None,
    provider: FakeProvider | None = None,
    tokens: FakeAccessTokens | None = None,
) -> Identity:
    lifetimes = Lifetimes(login=timedelta(minutes=10), idle=timedelta(minutes=30), maximum=timedelta(hours=10))
    return Identity(
        store or FakeSessionStore(),
        provider or FakeProvider(),
        tokens or FakeAccessTokens(),
        lifetimes,
        "http://127.0.0.1:8106/auth/callback",
    )


def signed_in_session(
    name: str,
    roles: Iterable[str],
    csrf: str,
    *,
    session_id: str = "s1",
    subject: str = "sub-1",
    now: datetime | None = None,
    tokens_for: timedelta = timedelta(minutes=5),
    session_for: timedelta = timedelta(hours=1),
) -> Session:
    """A person's session as the store keeps it after signing in: tokens `access-1` and the CSRF secret."""
    at = now or datetime.now(UTC)
    tokens = Tokens("access-1", "refresh-1", "id-1", at + tokens_for)
    return Session(session_id, subject, name, frozenset(roles), tokens, csrf, at, at + session_for)


def console_client(upstream: Callable[[httpx.Request], httpx.Response], session: Session) -> httpx.AsyncClient:
    """The whole console (create_app) with `session` signed in by its cookie and every service answered by
    `upstream` (an httpx MockTransport handler); access tokens carry the session's roles."""
    settings = ConsoleSettings(oidc_issuer="https://idp.example/realms/anpr")
    app = create_app(settings)
    store = FakeSessionStore()
    store.sessions[session.session_id] = session
    http = httpx.AsyncClient(transport=httpx.MockTransport(upstream))
    base = {name: f"http://{name}.test" for name in ("ingest", "rules", "exemptions", "notices")}
    # Set by hand instead of the lifespan (which opens PostgreSQL): the routes only read app.state.console.
    app.state.console = ConsoleComponents(
        settings, identity(store, tokens=FakeAccessTokens(session.roles)), ServicesApi(http, base)
    )
    cookies = {SESSION_COOKIE: session.session_id}
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://console.test", cookies=cookies)
