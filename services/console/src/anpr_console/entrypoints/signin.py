"""Sign in (authorization code + PKCE), the callback, sign out (here and at the identity provider)."""

import logging
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from anpr_console.adapters.oidc_client import LoginFailed
from anpr_console.domain.navigation import safe_return_path
from anpr_console.entrypoints.deps import LOGIN_COOKIE, SESSION_COOKIE, SignedIn, components, posted_form
from anpr_console.entrypoints.rendering import render
from anpr_console.handlers.login import finish_login, start_login
from anpr_console.handlers.session import current_session, end_session
from anpr_runtime.oidc_keys import IdentityProviderUnavailable

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)


def _login_page(request: Request, message: str, status_code: int) -> Response:
    return render(request, "login.html", {"message": message}, status_code=status_code)


@router.get("/login")
async def login(request: Request, next: str | None = None) -> Response:
    found = components(request)
    if found.identity is None:
        return _login_page(request, "login.not_configured", 503)
    now = datetime.now(UTC)
    try:
        if await current_session(found.identity, request.cookies.get(SESSION_COOKIE), now) is not None:
            return RedirectResponse(safe_return_path(next), status_code=303)
        url, state = await start_login(found.identity, next, now)
    except (IdentityProviderUnavailable, LoginFailed) as error:
        log.warning("console: the identity provider cannot start a login (%s)", error)
        return _login_page(request, "login.idp_down", 503)
    response = RedirectResponse(url, status_code=303)
    # Binds the callback to this browser: a callback URL someone else started (login CSRF) has no cookie.
    response.set_cookie(
        LOGIN_COOKIE,
        state,
        max_age=600,
        path="/auth",
        httponly=True,
        samesite="lax",
        secure=found.settings.secure_cookies,
    )
    return response


@router.get("/auth/callback")
async def callback(request: Request, state: str = "", code: str = "", error: str = "") -> Response:
    found = components(request)
    if found.identity is None:
        return _login_page(request, "login.not_configured", 503)
    if error or not code:
        log.info("console: the identity provider returned no code (%s)", error or "no code")
        return _login_page(request, "login.failed", 400)
    try:
        session, return_to = await finish_login(
            found.identity, state, code, request.cookies.get(LOGIN_COOKIE), datetime.now(UTC)
        )
    except LoginFailed as failed:
        log.info("console: login refused (%s)", failed.reason)
        return _login_page(request, "login.failed", 400)
    except IdentityProviderUnavailable:
        return _login_page(request, "login.idp_down", 503)
    response = RedirectResponse(return_to, status_code=303)
    response.delete_cookie(LOGIN_COOKIE, path="/auth")
    response.set_cookie(
        SESSION_COOKIE,
        session.session_id,
        httponly=True,
        samesite="lax",
        secure=found.settings.secure_cookies,
        path="/",
    )
    return response


@router.post("/logout")
async def logout(request: Request, session: SignedIn) -> Response:
    await posted_form(request, session)
    found = components(request)
    assert found.identity is not None  # a session exists only with an identity provider
    after = f"{found.settings.public_url.rstrip('/')}/logged-out"
    provider_logout = await end_session(found.identity, session, after)
    response = RedirectResponse(provider_logout or "/logged-out", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/logged-out")
async def logged_out(request: Request) -> Response:
    return render(request, "logged_out.html")
