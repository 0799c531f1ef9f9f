from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from anpr_console.adapters.services_api import ServiceRefused, ServiceUnavailable
from anpr_console.bootstrap import console_lifespan
from anpr_console.config import ConsoleSettings
from anpr_console.domain.loket import RateLimit
from anpr_console.domain.navigation import required_roles
from anpr_console.domain.operations_rotation import MAX_PLAN_BYTES
from anpr_console.domain.permits import MAX_IMPORT_BYTES
from anpr_console.entrypoints import (
    applications,
    loket,
    operations,
    pages,
    permits,
    pilot,
    review,
    signin,
    supervisor,
)
from anpr_console.entrypoints.deps import (
    SESSION_COOKIE,
    CsrfRefused,
    FormTooLarge,
    NotSignedIn,
    ScreenForbidden,
    components,
)
from anpr_console.entrypoints.rendering import environment, render
from anpr_runtime.http import create_service_app
from anpr_runtime.oidc_keys import IdentityProviderUnavailable

STATIC = Path(__file__).parent / "static"
# The uploads' ceilings in front of the app (anpr_runtime.body_guard; 1 MiB elsewhere). Twice each screen's
# own limit: a file just over it still gets the screen's own message, a far larger body a bare 413.
BODY_LIMITS = {
    "/permits/import": 2 * MAX_IMPORT_BYTES,
    "/operations/rotation": 2 * MAX_PLAN_BYTES,
    "/loket/": 2 * loket.MAX_UPLOAD_BYTES,
}


def create_app(settings: ConsoleSettings | None = None) -> FastAPI:
    chosen = settings or ConsoleSettings()
    screens = [review.router, permits.router, applications.router, operations.router, supervisor.router, pilot.router]
    app = create_service_app(
        "console",
        console_lifespan(lambda: chosen),
        [signin.router, pages.router, loket.router, *screens],
        body_limits=BODY_LIMITS,
    )
    app.state.templates = environment()
    app.state.loket_limit = RateLimit(chosen.loket_posts_per_minute)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _error_pages(app)
    app.middleware("http")(_security_headers(_content_security_policy(chosen)))
    return app


def _content_security_policy(settings: ConsoleSettings) -> str:
    # form-action must name the identity provider: the sign-out form's redirect goes on to its logout page,
    # and browsers hold redirects after a form post to form-action as well.
    origins = {
        f"{found.scheme}://{found.netloc}"
        for found in (urlsplit(settings.oidc_issuer), urlsplit(settings.public_oidc_issuer))
        if found.netloc
    }
    provider = "".join(f" {origin}" for origin in sorted(origins))
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        f"form-action 'self'{provider}; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    )


def _security_headers(
    policy: str,
) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    async def add(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    return add


def _error_pages(app: FastAPI) -> None:
    @app.exception_handler(loket.LoketNotSignedIn)
    async def applicant_not_signed_in(_: Request, error: loket.LoketNotSignedIn) -> Response:
        return RedirectResponse(f"/loket/login?next={quote(error.path, safe='')}", status_code=303)

    @app.exception_handler(loket.LoketRefused)
    async def loket_refused(request: Request, error: loket.LoketRefused) -> Response:
        headers = {"Retry-After": "60"} if error.status == 429 else {}
        response = render(request, "loket/message.html", {"message": error.message}, status_code=error.status)
        response.headers.update(headers)
        return response

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(_: Request, error: NotSignedIn) -> Response:
        return RedirectResponse(f"/login?next={quote(error.path, safe='')}", status_code=303)

    @app.exception_handler(ScreenForbidden)
    async def forbidden(request: Request, error: ScreenForbidden) -> Response:
        context = {
            "roles": ", ".join(required_roles(error.screen)),
            "held": ", ".join(sorted(error.session.roles)) or "—",
        }
        return render(request, "forbidden.html", context, session=error.session, status_code=403)

    @app.exception_handler(CsrfRefused)
    async def csrf_refused(request: Request, error: CsrfRefused) -> Response:
        return render(request, "forbidden.html", {"csrf": True}, session=error.session, status_code=403)

    @app.exception_handler(FormTooLarge)
    async def too_large(request: Request, _: FormTooLarge) -> Response:
        return render(request, "error.html", {"message": "error.title"}, status_code=413)

    @app.exception_handler(ServiceUnavailable)
    async def unavailable(request: Request, error: ServiceUnavailable) -> Response:
        context = {"message": "error.unavailable", "service": error.service, "status": 503}
        return render(request, "error.html", context, status_code=503)

    @app.exception_handler(IdentityProviderUnavailable)
    async def provider_down(request: Request, _: IdentityProviderUnavailable) -> Response:
        return render(request, "login.html", {"message": "login.idp_down"}, status_code=503)

    @app.exception_handler(ServiceRefused)
    async def refused(request: Request, error: ServiceRefused) -> Response:
        if error.status == 401:  # the service no longer takes the token (revoked at the provider): sign in again
            identity = components(request).identity
            session_id = request.cookies.get(SESSION_COOKIE)
            if identity is not None and session_id:
                await identity.store.delete(session_id)  # else /login would find the session and loop back
            return RedirectResponse(f"/login?next={quote(request.url.path, safe='')}", status_code=303)
        context = {"message": "error.upstream", "service": error.service, "status": error.status}
        return render(request, "error.html", context, status_code=403 if error.status == 403 else 502)
