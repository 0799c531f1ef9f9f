"""Sign in: the authorization code flow with PKCE (S256), state bound to the browser, nonce in the ID token."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from anpr_console.adapters.oidc_client import LoginFailed
from anpr_console.domain import pkce
from anpr_console.domain.navigation import safe_return_path
from anpr_console.domain.session import LoginAttempt, Session, Tokens, new_csrf_secret, new_session_id
from anpr_console.handlers.ports import Identity
from anpr_runtime.oidc import InvalidToken


async def start_login(identity: Identity, return_to: str | None, now: datetime) -> tuple[str, str]:
    """(the provider's authorization URL, the state the browser must bring back in its cookie)."""
    verifier = pkce.new_verifier()
    attempt = LoginAttempt(
        state=pkce.new_state(),
        nonce=pkce.new_nonce(),
        code_verifier=verifier,
        return_to=safe_return_path(return_to),
        expires_at=now + identity.lifetimes.login,
    )
    # Ask the provider first: when it is down nothing is written and the login page says so.
    url = await identity.provider.authorization_url(
        identity.redirect_uri, attempt.state, attempt.nonce, pkce.challenge(verifier)
    )
    await identity.store.begin_login(attempt)
    return url, attempt.state


def _provider_subject(claims: dict[str, Any]) -> str | None:
    return claims.get("sub")


async def finish_login(
    identity: Identity,
    state: str,
    code: str,
    browser_state: str | None,
    now: datetime,
    subject_of: Callable[[dict[str, Any]], str | None] = _provider_subject,
) -> tuple[Session, str]:
    """The new session and where to go. LoginFailed for a callback this browser did not start (login CSRF),
    a replayed or expired state, a refused code or an ID token that does not check out.

    `subject_of` names the person in the ID token the access token must name too: the provider's `sub` for
    staff; for applicants their BSN/KvK identifier (handlers.loket_login)."""
    if not state or state != browser_state:
        raise LoginFailed("the state does not match this browser's login")
    attempt = await identity.store.take_login(state, now)
    if attempt is None:
        raise LoginFailed("unknown, used or expired state")
    tokens = await identity.provider.exchange_code(code, attempt.code_verifier, identity.redirect_uri)
    claims = await identity.provider.verify_id_token(tokens.id_token, attempt.nonce)
    try:
        person = await identity.access_tokens.verify(tokens.access_token)
    except InvalidToken as error:
        raise LoginFailed(f"access token refused: {error.reason}") from error
    if person.subject != subject_of(claims):
        raise LoginFailed("the ID token and the access token name different people")
    access_expires_at = now + timedelta(seconds=tokens.expires_in)
    session = Session(
        session_id=new_session_id(),
        subject=person.subject,
        name=person.name,
        roles=person.roles,
        tokens=Tokens(tokens.access_token, tokens.refresh_token, tokens.id_token, access_expires_at),
        csrf_secret=new_csrf_secret(),
        created_at=now,
        expires_at=now + min(identity.lifetimes.idle, identity.lifetimes.maximum),
    )
    await identity.store.save(session)
    return session, attempt.return_to
