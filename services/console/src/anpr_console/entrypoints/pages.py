"""The start page and the language switch."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from anpr_console.domain.messages import language
from anpr_console.domain.navigation import safe_return_path, visible_screens
from anpr_console.entrypoints.deps import SignedIn, components
from anpr_console.entrypoints.rendering import LANGUAGE_COOKIE, render

router = APIRouter(include_in_schema=False)


@router.get("/")
async def home(request: Request, session: SignedIn) -> Response:
    roles = ", ".join(sorted(session.roles)) or "—"
    return render(
        request, "home.html", {"roles": roles, "any_screen": bool(visible_screens(session.roles))}, session=session
    )


@router.get("/language")
async def switch_language(request: Request, to: str = "", back: str = "/") -> Response:
    """A plain link, so it works before signing in and without JavaScript; the choice is a preference,
    not a change of state worth a CSRF token."""
    response = RedirectResponse(safe_return_path(back), status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE,
        language(to),
        max_age=365 * 24 * 3600,
        samesite="lax",
        secure=components(request).settings.secure_cookies,
    )
    return response
