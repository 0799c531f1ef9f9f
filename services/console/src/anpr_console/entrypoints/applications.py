"""The permit desk's application queue: the list with filters, an application with the applicant's data,
the registry check, the documents (downloaded through the console, never a link to exemptions) and the
history; grant with a scope, refuse with a reason, ask for information, mark paid. Plain links and forms
(no JavaScript needed); every change is POST-redirect-GET, so a reload never sends it again."""

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from anpr_console.adapters.services_api import ServiceRefused
from anpr_console.domain.applications import (
    AMSTERDAM,
    KINDS,
    OPEN,
    STATUSES,
    QueueFilter,
    application_id,
    grant_defaults,
    parse_filter,
    parse_grant,
    parse_question,
    parse_refusal,
    refused_field,
)
from anpr_console.domain.navigation import APPLICATIONS
from anpr_console.domain.review import FormProblem
from anpr_console.domain.session import Session
from anpr_console.entrypoints.deps import calling, posted_form, screen_session
from anpr_console.entrypoints.rendering import render_screen
from anpr_console.handlers import applications as desk

router = APIRouter(include_in_schema=False)
Desk = Annotated[Session, screen_session(APPLICATIONS)]
Text = Annotated[str, Query(max_length=100)]
# Any text: what is not a UUID answers the console's own "not found" page before exemptions is called.
Id = Annotated[str, Path()]
DONE = ("granted", "refused", "asked", "paid", "already")
# Each decision form: what it sends, the fields it has, and the message after it went through.
FORMS: dict[str, tuple[Callable[[Mapping[str, str]], dict[str, Any]], tuple[str, ...], str]] = {
    "grant": (parse_grant, ("valid_from", "valid_until", "regimes", "zones"), "granted"),
    "refuse": (parse_refusal, ("reason",), "refused"),
    "ask": (parse_question, ("question",), "asked"),
}
_SUFFIX = {"application/pdf": "pdf", "image/jpeg": "jpg"}


def _render(request: Request, session: Session, template: str, status_code: int = 200, **values: Any) -> Response:
    context = {"statuses": STATUSES, "kinds": KINDS, "open_statuses": OPEN, **values}
    return render_screen(
        request, APPLICATIONS, f"applications/{template}", context, session=session, status_code=status_code
    )


@router.get("/applications")
async def queue(request: Request, session: Desk, status: Text = "submitted", kind: Text = "") -> Response:
    typed = {"status": status, "kind": kind}
    try:
        chosen = parse_filter(typed)
    except FormProblem as problem:
        return _render(request, session, "queue.html", 422, chosen=QueueFilter(), typed=typed, problem=problem)
    page = await desk.queue(*calling(request, session), chosen)
    return _render(request, session, "queue.html", chosen=chosen, typed=typed, page=page, problem=None)


async def _detail(
    request: Request,
    session: Session,
    found_id: str | None,
    *,
    status_code: int = 200,
    typed: Mapping[str, str] | None = None,
    **values: Any,
) -> Response:
    if found_id is None:
        return _render(request, session, "missing.html", 404)
    try:
        page = await desk.detail(*calling(request, session), found_id)
    except ServiceRefused as refused:
        if refused.status != 404 or refused.route_missing:
            raise
        return _render(request, session, "missing.html", 404)  # a stale or guessed link, not a fault
    shown = {**grant_defaults(datetime.now(AMSTERDAM).date()), **(typed or {})}
    context = {"page": page, "typed": shown, "done": "", "problem": None, "posted": "", "notice": None, **values}
    return _render(request, session, "detail.html", status_code, **context)


@router.get("/applications/{found}")
async def show(request: Request, session: Desk, found: Id, done: Text = "") -> Response:
    return await _detail(request, session, application_id(found), done=done if done in DONE else "")


@router.post("/applications/{found}/{action}")
async def decide(request: Request, session: Desk, found: Id, action: Id) -> Response:
    form = await posted_form(request, session)  # the CSRF token first: nothing is read for a forged post
    wanted = application_id(found)
    if wanted is None or (action not in FORMS and action != "paid"):
        return _render(request, session, "missing.html", 404)
    api, token = calling(request, session)
    if action == "paid":
        outcome = await desk.mark_paid(api, token, wanted)
        done = "paid"
    else:
        parse, fields, done = FORMS[action]
        try:
            body = parse(form)
        except FormProblem as problem:
            return await _detail(request, session, wanted, status_code=422, typed=form, problem=problem, posted=action)
        outcome = await desk.decide(api, token, wanted, body)
        if outcome.kind == "refused":
            at_field = FormProblem(refused_field(outcome.detail, fields[0], fields), outcome.detail)
            return await _detail(request, session, wanted, status_code=422, typed=form, problem=at_field, posted=action)
    if outcome.kind == "conflict":
        return await _detail(request, session, wanted, status_code=409, notice=("conflict", outcome.detail))
    if outcome.kind == "refused":  # mark paid: the application is gone, or a 422 from exemptions
        return await _detail(request, session, wanted, status_code=422, notice=("service", outcome.detail))
    shown = "already" if outcome.kind == "already" else done
    return RedirectResponse(f"/applications/{wanted}?done={shown}", status_code=303)


@router.get("/applications/{found}/documents/{document}")
async def document(request: Request, session: Desk, found: Id, document: Id) -> Response:
    wanted, file_id = application_id(found), application_id(document)
    if wanted is None or file_id is None:
        return _render(request, session, "missing.html", 404)
    try:
        got = await desk.document(*calling(request, session), wanted, file_id)
    except ServiceRefused as refused:
        if refused.status != 404 or refused.route_missing:
            raise
        return _render(request, session, "missing.html", 404)
    media_type = got.media_type if got.media_type in _SUFFIX else "application/octet-stream"
    name = f"{file_id}.{_SUFFIX.get(media_type, 'bin')}"
    headers = {
        # Always a download: an applicant's file never runs as a page on the console's origin.
        "Content-Disposition": f'attachment; filename="{name}"',
        "Content-Security-Policy": "sandbox; default-src 'none'",
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
    }
    return Response(got.content, media_type=media_type, headers=headers)
