"""The session behind a cookie, its access token refreshed when due; None sends the person to sign in."""

import logging
from datetime import datetime, timedelta

from anpr_console.adapters.oidc_client import LoginFailed
from anpr_console.domain.session import Session, Tokens
from anpr_console.handlers.ports import Identity
from anpr_runtime.oidc import InvalidToken

log = logging.getLogger(__name__)

# Writing the session on every request would cost a database write per page: only when this much idle
# time has been used up.
TOUCH_AFTER = timedelta(minutes=1)


async def current_session(identity: Identity, session_id: str | None, now: datetime) -> Session | None:
    """Raises IdentityProviderUnavailable when a refresh is due and the provider cannot be reached."""
    if not session_id:
        return None
    session = await identity.store.get(session_id, now)
    if session is None or session.expired(now):
        return None
    if session.access_token_due(now):
        refreshed = await _refreshed(identity, session, now)
        if refreshed is None:
            await identity.store.delete(session_id)
            return None
        session = refreshed
    elif session.expires_at - now > identity.lifetimes.idle - TOUCH_AFTER:
        return session
    session = session.touched(now, identity.lifetimes.idle, identity.lifetimes.maximum)
    await identity.store.save(session)
    return session


async def _refreshed(identity: Identity, session: Session, now: datetime) -> Session | None:
    if not session.tokens.refresh_token:
        return None
    try:
        tokens = await identity.provider.refresh(session.tokens.refresh_token)
        person = await identity.access_tokens.verify(tokens.access_token)
    except (LoginFailed, InvalidToken) as error:
        # The provider ended the session (logout elsewhere, idle timeout, user disabled): sign in again.
        log.info("console: refresh refused (%s)", getattr(error, "reason", type(error).__name__))
        return None
    if person.subject != session.subject:
        log.warning("console: a refresh returned another subject; session ended")
        return None
    fresh = Tokens(
        tokens.access_token,
        tokens.refresh_token or session.tokens.refresh_token,
        tokens.id_token or session.tokens.id_token,
        now + timedelta(seconds=tokens.expires_in),
    )
    return session.refreshed(fresh, person.roles, person.name)


async def end_session(identity: Identity, session: Session, post_logout_redirect_uri: str) -> str | None:
    """Forget the session here; the provider's logout URL (to send the browser to) when it has one."""
    await identity.store.delete(session.session_id)
    return await identity.provider.end_session_url(session.tokens.id_token, post_logout_redirect_uri)
