"""Applicants sign in at their own issuer (authorization code + PKCE, as staff do): the session is named
after the applicant's identifier (`bsn:...`/`kvk:...`), never the provider's `sub`, and holds the role
`applicant` only. Starting a login is the staff flow's own (handlers.login.start_login)."""

from datetime import datetime, timedelta

from anpr_console.adapters.applicants import ApplicantTokens
from anpr_console.adapters.oidc_client import LoginFailed
from anpr_console.domain.session import Session, Tokens, new_csrf_secret, new_session_id
from anpr_console.handlers.ports import Identity
from anpr_runtime.oidc import InvalidToken


async def finish_applicant_login(
    identity: Identity, applicants: ApplicantTokens, state: str, code: str, browser_state: str | None, now: datetime
) -> tuple[Session, str]:
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
    if person.subject != applicants.applicant_of(claims):
        raise LoginFailed("the ID token and the access token name different applicants")
    session = Session(
        session_id=new_session_id(),
        subject=person.subject,
        name=person.name,
        roles=person.roles,
        tokens=Tokens(
            tokens.access_token, tokens.refresh_token, tokens.id_token, now + timedelta(seconds=tokens.expires_in)
        ),
        csrf_secret=new_csrf_secret(),
        created_at=now,
        expires_at=now + min(identity.lifetimes.idle, identity.lifetimes.maximum),
    )
    await identity.store.save(session)
    return session, attempt.return_to
