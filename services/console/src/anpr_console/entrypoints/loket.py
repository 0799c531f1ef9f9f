"""The permit counter (/loket): applicants sign in at their own issuer and apply, follow their applications
and see their permits. Server-rendered forms that work without JavaScript; every POST carries the CSRF
token of the applicant's session; sign-in and posts are limited per address. An applicant's session
(cookie LOKET_COOKIE, its own namespace in the session store) is never a staff session and the other way
round: the staff screens read another cookie and another namespace."""

import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import parse_qsl, quote
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from anpr_console.adapters.oidc_client import LoginFailed
from anpr_console.adapters.services_api import Binary, ServiceRefused
from anpr_console.domain import loket as rules
from anpr_console.domain.csrf import FIELD, token_matches
from anpr_console.domain.session import Session
from anpr_console.domain.uploads import UploadRefused, UploadTooLarge, parse_multipart
from anpr_console.entrypoints.deps import components
from anpr_console.entrypoints.rendering import render
from anpr_console.handlers import loket as api
from anpr_console.handlers.login import start_login
from anpr_console.handlers.loket_fees import LoketFees
from anpr_console.handlers.loket_login import finish_applicant_login
from anpr_console.handlers.ports import Identity
from anpr_console.handlers.session import current_session, end_session
from anpr_runtime.oidc_keys import IdentityProviderUnavailable

router = APIRouter(prefix="/loket", include_in_schema=False)
log = logging.getLogger(__name__)

LOKET_COOKIE = "anpr_loket_session"
LOKET_LOGIN_COOKIE = "anpr_loket_login"
MAX_FORM_BYTES = 64 * 1024
MAX_UPLOAD_BYTES = rules.MAX_DOCUMENT_BYTES + MAX_FORM_BYTES
_PLATE = re.compile(r"[A-Za-z0-9 -]{1,20}")


class LoketNotSignedIn(Exception):
    def __init__(self, path: str) -> None:
        super().__init__(path)
        self.path = path


class LoketRefused(Exception):
    """A form post without the session's CSRF token, or over the per-address limit (`status`)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _identity(request: Request) -> Identity | None:
    return components(request).loket


async def _fees(request: Request) -> dict[str, int] | None:
    """exemptions' prices through one cache per app (made on first use: it lives as long as the app's
    HTTP client, and no module-level state outlives a test's app)."""
    cache: LoketFees | None = getattr(request.app.state, "loket_fees", None)
    if cache is None:
        cache = request.app.state.loket_fees = LoketFees(components(request).services)
    return await cache.cents()


def _price(fees: dict[str, int] | None, kind: str) -> str | None:
    return None if fees is None else rules.euros(fees.get(kind))


def _limit(request: Request) -> None:
    limiter: rules.RateLimit = request.app.state.loket_limit
    address = request.client.host if request.client else "?"
    if not limiter.allow(address):
        raise LoketRefused(429, "loket.too_many")


async def _maybe_applicant(request: Request) -> Session | None:
    identity = _identity(request)
    if identity is None:
        return None
    return await current_session(identity, request.cookies.get(LOKET_COOKIE), datetime.now(UTC))


async def applicant(request: Request) -> Session:
    session = await _maybe_applicant(request)
    if session is None:
        raise LoketNotSignedIn(request.url.path if request.method == "GET" else "/loket")
    return session


Applicant = Annotated[Session, Depends(applicant)]


async def _form(request: Request, session: Session) -> tuple[dict[str, str], dict[str, bytes]]:
    """The posted fields (urlencoded or multipart) and files, after the CSRF token and the rate limit."""
    _limit(request)
    body = await request.body()
    content_type = request.headers.get("content-type", "")
    files: dict[str, bytes] = {}
    if content_type.startswith("multipart/"):
        try:
            sent = parse_multipart(content_type, body, MAX_UPLOAD_BYTES)
        except UploadTooLarge:
            raise LoketRefused(413, "loket.too_large") from None
        except UploadRefused:
            raise LoketRefused(403, "loket.csrf") from None
        fields, files = sent.fields(), {name: data for name, data in sent.files().items() if data}
    else:
        if len(body) > MAX_FORM_BYTES:
            raise LoketRefused(413, "loket.too_large")
        fields = dict(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True))
    if not token_matches(session.csrf_secret, fields.get(FIELD)):
        raise LoketRefused(403, "loket.csrf")
    fields.pop(FIELD, None)
    return fields, files


def _page(
    request: Request, template: str, context: dict[str, Any], session: Session | None, status_code: int = 200
) -> Response:
    values = {"applicant": session, "kinds": rules.KINDS, "desk_kinds": rules.DESK_KINDS, **context}
    return render(request, f"loket/{template}", values, session=session, status_code=status_code)


def _not_found(request: Request, session: Session) -> Response:
    return _page(request, "not_found.html", {}, session, 404)


async def _signed_out(request: Request, session: Session) -> Response:
    """The service no longer takes the token: the session ends and the applicant signs in again."""
    identity = _identity(request)
    if identity is not None:
        await identity.store.delete(session.session_id)
    return RedirectResponse(f"/loket/login?next={quote(request.url.path, safe='')}", status_code=303)


# --- signing in and out ------------------------------------------------------------------------------


@router.get("")
async def start(request: Request) -> Response:
    session = await _maybe_applicant(request)
    known = await _fees(request)
    fees = {kind: _price(known, kind) for kind in rules.KINDS}
    return _page(request, "start.html", {"fees": fees, "configured": _identity(request) is not None}, session)


@router.get("/login")
async def login(request: Request, next: str | None = None) -> Response:
    identity = _identity(request)
    if identity is None:
        return _page(request, "message.html", {"message": "loket.not_configured"}, None, 503)
    _limit(request)
    now = datetime.now(UTC)
    try:
        if await current_session(identity, request.cookies.get(LOKET_COOKIE), now) is not None:
            return RedirectResponse(rules.loket_path(next), status_code=303)
        url, state = await start_login(identity, rules.loket_path(next), now)
    except (IdentityProviderUnavailable, LoginFailed) as error:
        log.warning("console: the applicants' identity provider cannot start a login (%s)", error)
        return _page(request, "message.html", {"message": "loket.idp_down"}, None, 503)
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        LOKET_LOGIN_COOKIE,
        state,
        max_age=600,
        path="/loket/auth",
        httponly=True,
        samesite="lax",
        secure=components(request).settings.secure_cookies,
    )
    return response


@router.get("/auth/callback")
async def callback(request: Request, state: str = "", code: str = "", error: str = "") -> Response:
    found = components(request)
    if found.loket is None or found.applicants is None:
        return _page(request, "message.html", {"message": "loket.not_configured"}, None, 503)
    _limit(request)
    if error or not code:
        return _page(request, "message.html", {"message": "loket.login_failed"}, None, 400)
    try:
        session, back = await finish_applicant_login(
            found.loket, found.applicants, state, code, request.cookies.get(LOKET_LOGIN_COOKIE), datetime.now(UTC)
        )
    except LoginFailed as failed:
        log.info("console: applicant login refused (%s)", failed.reason)
        return _page(request, "message.html", {"message": "loket.login_failed"}, None, 400)
    except IdentityProviderUnavailable:
        return _page(request, "message.html", {"message": "loket.idp_down"}, None, 503)
    response = RedirectResponse(rules.loket_path(back), status_code=303)
    response.delete_cookie(LOKET_LOGIN_COOKIE, path="/loket/auth")
    response.set_cookie(
        LOKET_COOKIE,
        session.session_id,
        httponly=True,
        samesite="lax",
        secure=found.settings.secure_cookies,
        path="/loket",
    )
    return response


@router.post("/logout")
async def logout(request: Request, session: Applicant) -> Response:
    await _form(request, session)
    identity = _identity(request)
    assert identity is not None
    after = f"{components(request).settings.public_url.rstrip('/')}/loket/logged-out"
    provider_logout = await end_session(identity, session, after)
    response = RedirectResponse(provider_logout or "/loket/logged-out", status_code=303)
    response.delete_cookie(LOKET_COOKIE, path="/loket")
    return response


@router.get("/logged-out")
async def logged_out(request: Request) -> Response:
    return _page(request, "message.html", {"message": "loket.logged_out", "status": "ok"}, None)


# --- the vehicle check ------------------------------------------------------------------------------


@router.get("/vehicle")
async def vehicle_form(request: Request, session: Applicant) -> Response:
    return _page(request, "vehicle.html", {"typed": {}, "errors": {}, "checked": None}, session)


@router.post("/vehicle")
async def vehicle_check(request: Request, session: Applicant) -> Response:
    typed, _ = await _form(request, session)
    found = components(request)
    try:
        checked = await api.vehicle_check(found.services, session.tokens.access_token, typed.get("plate", ""))
    except ServiceRefused as refused:
        if refused.status == 401:
            return await _signed_out(request, session)
        errors = rules.errors_of(refused.detail, code=refused.code, params=refused.params)
        context = {"typed": typed, "errors": errors, "checked": None}
        return _page(request, "vehicle.html", context, session, 422)
    return _page(request, "vehicle.html", {"typed": typed, "errors": {}, "checked": checked}, session)


# --- applying -----------------------------------------------------------------------------------------


async def _apply_page(
    request: Request, session: Session, kind: str, typed: dict[str, str], errors: Mapping[str, str | rules.Said]
) -> Response:
    fee = _price(await _fees(request), kind)
    status = 422 if errors else 200
    context = {"kind": kind, "typed": typed, "errors": errors, "fee": fee, "day_permit": rules.DAY_PERMIT}
    return _page(request, "apply.html", context, session, status)


@router.get("/apply/{kind}")
async def apply_form(request: Request, session: Applicant, kind: str, plate: str = "") -> Response:
    if kind not in rules.KINDS:
        return _not_found(request, session)
    return await _apply_page(request, session, kind, {"plate": plate if _PLATE.fullmatch(plate) else ""}, {})


@router.post("/apply/{kind}")
async def apply(request: Request, session: Applicant, kind: str) -> Response:
    if kind not in rules.KINDS:
        return _not_found(request, session)
    typed, files = await _form(request, session)
    document = files.get("document")
    if document is not None and kind != rules.DAY_PERMIT:
        # Checked before the application is made, so a wrong file leaves nothing stored and the form as typed.
        if len(document) > rules.MAX_DOCUMENT_BYTES:
            return await _apply_page(request, session, kind, typed, {"document": "loket.document.too_large"})
        if rules.document_type(document) is None:
            return await _apply_page(request, session, kind, typed, {"document": "loket.document.type"})
    found = components(request)
    token = session.tokens.access_token
    try:
        made = await api.apply(found.services, token, kind, typed)
    except ServiceRefused as refused:
        if refused.status == 401:
            return await _signed_out(request, session)
        # A conflict names no field: for a day permit it is the day (the quota used up, that day taken),
        # for the other kinds the vehicle (an open application of that kind already).
        unnamed = ("day" if kind == rules.DAY_PERMIT else "plate") if refused.status == 409 else ""
        errors = rules.errors_of(refused.detail, unnamed, refused.code, refused.params)
        return await _apply_page(request, session, kind, typed, errors)
    if document is not None and kind != rules.DAY_PERMIT:
        media_type = rules.document_type(document) or "application/octet-stream"
        try:
            await api.attach(found.services, token, made["application_id"], Binary(document, media_type))
        except ServiceRefused as refused:
            # The application stands; its page offers the upload again, with the reason.
            log.info("console: a document for a new application was refused (%s)", refused.detail)
            return RedirectResponse(f"/loket/applications/{made['application_id']}?upload=refused", status_code=303)
    return RedirectResponse(f"/loket/applications/{made['application_id']}?new=1", status_code=303)


# --- following applications ------------------------------------------------------------------------


@router.get("/applications")
async def applications(request: Request, session: Applicant) -> Response:
    try:
        found = await api.mine(components(request).services, session.tokens.access_token)
    except ServiceRefused as refused:
        if refused.status == 401:
            return await _signed_out(request, session)
        raise
    return _page(request, "applications.html", {"applications": found}, session)


async def _application_page(
    request: Request,
    session: Session,
    application_id: str,
    errors: Mapping[str, str | rules.Said],
    typed: dict[str, str],
    status: int = 200,
) -> Response:
    try:
        UUID(application_id)
    except ValueError:
        return _not_found(request, session)
    found = components(request)
    token = session.tokens.access_token
    try:
        application = await api.one(found.services, token, application_id)
    except ServiceRefused as refused:
        if refused.status == 401:
            return await _signed_out(request, session)
        if refused.status in (404, 422):
            return _not_found(request, session)
        raise
    left = None
    if application["kind"] == rules.DAY_PERMIT:
        left = (await api.day_permits_left(found.services, token, [application["plate"]])).get(application["plate"])
    upload_refused = request.query_params.get("upload") == "refused"
    if upload_refused and "document" not in errors:
        errors = {**errors, "document": "loket.document.refused"}
    context = {
        "application": application,
        "left": left,
        "errors": errors,
        "typed": typed,
        "new": request.query_params.get("new") == "1",
        "open": application["status"] in ("submitted", "needs_information"),
    }
    return _page(request, "application.html", context, session, status)


@router.get("/applications/{application_id}")
async def application(request: Request, session: Applicant, application_id: str) -> Response:
    return await _application_page(request, session, application_id, {}, {})


@router.post("/applications/{application_id}/{action}")
async def application_step(request: Request, session: Applicant, application_id: str, action: str) -> Response:
    if action not in ("withdraw", "resubmit", "documents"):
        return _not_found(request, session)
    try:
        UUID(application_id)
    except ValueError:
        return _not_found(request, session)
    typed, files = await _form(request, session)
    found = components(request)
    token = session.tokens.access_token
    try:
        if action == "documents":
            document = files.get("document")
            media_type = rules.document_type(document) if document else None
            if document is None or media_type is None:
                key = "loket.document.missing" if document is None else "loket.document.type"
                return await _application_page(request, session, application_id, {"document": key}, typed, 422)
            await api.attach(found.services, token, application_id, Binary(document, media_type))
        else:
            body = {"answer": typed.get("answer", "")} if action == "resubmit" else {}
            await api.step(found.services, token, application_id, action, body)
    except ServiceRefused as refused:
        if refused.status == 401:
            return await _signed_out(request, session)
        if refused.status == 404:
            return _not_found(request, session)
        errors = rules.errors_of(refused.detail, code=refused.code, params=refused.params)
        if action == "resubmit" and "" in errors:
            errors = {"answer": errors[""]}
        return await _application_page(request, session, application_id, errors, typed, 422)
    return RedirectResponse(f"/loket/applications/{application_id}", status_code=303)


@router.get("/permits")
async def my_permits(request: Request, session: Applicant) -> Response:
    found = components(request)
    token = session.tokens.access_token
    try:
        granted = await api.permits(found.services, token)
        mine = await api.mine(found.services, token)
    except ServiceRefused as refused:
        if refused.status == 401:
            return await _signed_out(request, session)
        raise
    day_plates = sorted({a["plate"] for a in mine if a["kind"] == rules.DAY_PERMIT})
    left = await api.day_permits_left(found.services, token, day_plates)
    return _page(request, "permits.html", {"permits": granted, "left": left}, session)
