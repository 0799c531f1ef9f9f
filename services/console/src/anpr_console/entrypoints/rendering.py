"""Jinja2 pages with what every page needs: the words in the person's language, the navigation their
roles allow, their name and the CSRF token for the sign-out form."""

from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from anpr_console.domain.messages import LANGUAGES, language, translate
from anpr_console.domain.navigation import Screen, visible_screens
from anpr_console.domain.permits_text import day_text
from anpr_console.domain.session import Session

LANGUAGE_COOKIE = "anpr_lang"
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
_TEMPLATES = Path(__file__).parent / "templates"


def environment() -> Environment:
    # Autoescape everything: plates, names and reasons come from people and services.
    env = Environment(loader=FileSystemLoader(_TEMPLATES), autoescape=select_autoescape(default=True))
    env.filters["when"] = local_time
    env.filters["minute"] = local_minute
    env.filters["day"] = day_text  # a calendar day (an application's day permit) written day first too
    return env


def local_time(value: object) -> str:
    """An API's ISO 8601 instant as a Dutch reviewer reads it: local time, day first."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        return moment.strftime("%d-%m-%Y %H:%M:%S")
    return moment.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M:%S")


def local_minute(value: object) -> str:
    """The same, to the minute: what an applicant reads for the start and end of a permit."""
    text = local_time(value)
    return text[:-3] if text.count(":") == 2 else text


def request_language(request: Request) -> str:
    return language(request.cookies.get(LANGUAGE_COOKIE))


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    session: Session | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    env: Environment = request.app.state.templates
    lang = request_language(request)
    values = {
        "lang": lang,
        "languages": LANGUAGES,
        "t": partial(translate, lang),
        "session": session,
        "screens": visible_screens(session.roles) if session else [],
        "csrf_token": session.csrf_secret if session else "",
        "here": request.url.path,
        **(context or {}),
    }
    html = env.get_template(template).render(values)
    # Every page may show personal data: never in a shared or browser cache.
    return HTMLResponse(html, status_code=status_code, headers={"Cache-Control": "no-store"})


def render_screen(
    request: Request,
    screen: Screen,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    session: Session,
    status_code: int = 200,
) -> HTMLResponse:
    """A page of one of the screens: the navigation marks that screen as the current one."""
    values = {"current_screen": screen.key, **(context or {})}
    return render(request, template, values, session=session, status_code=status_code)
