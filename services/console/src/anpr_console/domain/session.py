"""A signed-in person's server-side session; the browser holds only its random id."""

import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

# Refresh a little before the access token expires, so a request in flight does not carry a dead token.
REFRESH_MARGIN = timedelta(seconds=30)


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    id_token: str
    access_expires_at: datetime


@dataclass(frozen=True)
class Session:
    session_id: str
    subject: str
    name: str
    roles: frozenset[str]
    tokens: Tokens
    csrf_secret: str
    created_at: datetime
    expires_at: datetime  # idle expiry, moved on by every request, never past created_at + the maximum

    def access_token_due(self, now: datetime) -> bool:
        return now >= self.tokens.access_expires_at - REFRESH_MARGIN

    def expired(self, now: datetime) -> bool:
        return now >= self.expires_at

    def refreshed(self, tokens: Tokens, roles: frozenset[str], name: str) -> "Session":
        return replace(self, tokens=tokens, roles=roles, name=name)

    def touched(self, now: datetime, idle: timedelta, maximum: timedelta) -> "Session":
        return replace(self, expires_at=min(now + idle, self.created_at + maximum))


def new_session_id() -> str:
    return secrets.token_urlsafe(32)


def new_csrf_secret() -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class LoginAttempt:
    """What the callback must find again: bound to the browser by the state in a cookie, used once."""

    state: str
    nonce: str
    code_verifier: str
    return_to: str
    expires_at: datetime
