"""In-memory stand-ins for the handlers' ports (handlers/ports.py)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from anpr_console.adapters.oidc_client import LoginFailed, TokenResponse
from anpr_console.domain.session import LoginAttempt, Session
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
