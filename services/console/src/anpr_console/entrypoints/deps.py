"""Who is asking: the session behind the cookie (refreshed when due), the screen's roles, the CSRF token."""

from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import Depends, Request

from anpr_console.adapters.services_api import ServicesApi
from anpr_console.bootstrap import ConsoleComponents
from anpr_console.domain.csrf import FIELD, token_matches
from anpr_console.domain.navigation import Screen
from anpr_console.domain.session import Session
from anpr_console.handlers.ports import Identity
from anpr_console.handlers.session import current_session

SESSION_COOKIE = "anpr_console_session"
LOGIN_COOKIE = "anpr_console_login"
MAX_FORM_BYTES = 64 * 1024


class NotSignedIn(Exception):
    """Answered with a redirect to /login that comes back to `path`."""

    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


class ScreenForbidden(Exception):
    def __init__(self, screen: Screen, session: Session) -> None:
        super().__init__(screen.key)
        self.screen = screen
        self.session = session


class CsrfRefused(Exception):
    def __init__(self, session: Session) -> None:
        super().__init__("csrf")
        self.session = session


class FormTooLarge(Exception):
    pass


def components(request: Request) -> ConsoleComponents:
    found: ConsoleComponents = request.app.state.console
    return found


def calling(request: Request, session: Session) -> tuple[ServicesApi, str]:
    """The services' API and the person's own access token to call it with: every call the console makes
    for a person is made as that person, so the services check her roles again and audit her name."""
    return components(request).services, session.tokens.access_token


def identity_of(request: Request) -> Identity | None:
    return components(request).identity


async def signed_in(request: Request) -> Session:
    identity = identity_of(request)
    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if identity is None:
        raise NotSignedIn(back)
    session = await current_session(identity, request.cookies.get(SESSION_COOKIE), datetime.now(UTC))
    if session is None:
        raise NotSignedIn(back if request.method == "GET" else "/")
    return session


SignedIn = Annotated[Session, Depends(signed_in)]


def screen_session(screen: Screen) -> object:
    async def dependency(session: SignedIn) -> Session:
        if not screen.allows(session.roles):
            raise ScreenForbidden(screen, session)
        return session

    return Depends(dependency)


async def posted_form(request: Request, session: Session) -> dict[str, str]:
    """The urlencoded form, after its CSRF token matched the session's. Parsed here rather than with
    FastAPI's Form(): that needs python-multipart, and the console's forms are all urlencoded."""
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        raise FormTooLarge
    form = dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))
    if not token_matches(session.csrf_secret, form.get(FIELD)):
        raise CsrfRefused(session)
    return form
