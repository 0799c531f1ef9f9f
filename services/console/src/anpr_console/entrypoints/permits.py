"""The permit desk: search (with the day-permit quota of a plate), a permit with its audit trail, grant,
change, revoke with a confirmation, and the CSV import. Every page is plain links and forms (no
JavaScript needed); every change is POST-redirect-GET, so a reload never sends it again."""

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from anpr_console.adapters.services_api import ServiceRefused
from anpr_console.domain.csrf import FIELD, token_matches
from anpr_console.domain.navigation import PERMITS
from anpr_console.domain.permits import (
    DAY_PERMIT,
    KINDS,
    MAX_IMPORT_BYTES,
    SearchForm,
    form_values,
    parse_change,
    parse_new,
)
from anpr_console.domain.permits import parse_search as parse_search_form
from anpr_console.domain.permits_text import audit_value, day_text
from anpr_console.domain.review import FormProblem
from anpr_console.domain.session import Session
from anpr_console.domain.uploads import UploadRefused, UploadTooLarge, parse_multipart
from anpr_console.entrypoints.deps import CsrfRefused, calling, posted_form, screen_session
from anpr_console.entrypoints.rendering import render_screen
from anpr_console.handlers import permits as desk
from anpr_console.handlers.permits_imports import ImportResults

router = APIRouter(include_in_schema=False)
Desk = Annotated[Session, screen_session(PERMITS)]
Text = Annotated[str, Query(max_length=100)]
PermitId = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._:-]+$")]
DONE = ("created", "changed", "revoked", "exists", "unchanged")


def _render(request: Request, session: Session, template: str, status_code: int = 200, **values: Any) -> Response:
    context = {
        "kinds": KINDS,
        "day_permit": DAY_PERMIT,
        "day_text": day_text,
        "audit_value": audit_value,
        **values,
    }
    return render_screen(request, PERMITS, f"permits/{template}", context, session=session, status_code=status_code)


@router.get("/permits")
async def search(request: Request, session: Desk, plate: Text = "", kind: Text = "", regime: Text = "") -> Response:
    typed = {"plate": plate, "kind": kind, "regime": regime}
    try:
        form = parse_search_form(typed)
    except FormProblem as problem:
        return _render(request, session, "search.html", 422, form=SearchForm(), typed=typed, problem=problem)
    page = None if form.empty else await desk.search(*calling(request, session), form)
    return _render(request, session, "search.html", form=form, typed=typed, page=page, problem=None)


async def _form_page(
    request: Request, session: Session, typed: dict[str, str], *, permit: dict[str, Any] | None = None, **extra: Any
) -> Response:
    """The create form, or the change form when `permit` is given; the plate's quota beside a day permit."""
    status_code = 422 if extra.get("problem") else 200
    if extra.get("problem") and extra["problem"].field == "conflict":
        status_code = 409
    plate = typed.get("plate", "")
    quota = await desk.quota_of(*calling(request, session), plate) if plate else None
    return _render(request, session, "form.html", status_code, typed=typed, permit=permit, quota=quota, **extra)


@router.get("/permits/new")
async def new_form(request: Request, session: Desk, plate: Text = "", kind: Text = "") -> Response:
    typed = {"plate": plate.upper(), "kind": kind if kind in KINDS else "resident"}
    return await _form_page(request, session, typed, problem=None)


@router.post("/permits/new")
async def create(request: Request, session: Desk) -> Response:
    form = await posted_form(request, session)
    try:
        body = parse_new(form, session.name)
    except FormProblem as problem:
        return await _form_page(request, session, form, problem=problem)
    outcome = await desk.grant(*calling(request, session), body)
    if outcome.kind in ("refused", "conflict"):
        refusal = FormProblem("conflict" if outcome.kind == "conflict" else "service", outcome.detail)
        return await _form_page(request, session, form, problem=refusal)
    done = "created" if outcome.kind == "done" else "exists"
    return RedirectResponse(f"/permits/{outcome.permit_id}?done={done}", status_code=303)


@router.get("/permits/import")
async def import_form(request: Request, session: Desk) -> Response:
    return _render(request, session, "import.html", problem=None)


@router.post("/permits/import")
async def import_file(request: Request, session: Desk) -> Response:
    if int(request.headers.get("content-length") or 0) > MAX_IMPORT_BYTES:
        return _render(request, session, "import.html", 413, problem="permits.import.too_large")
    body = await request.body()
    try:
        sent = parse_multipart(request.headers.get("content-type", ""), body, MAX_IMPORT_BYTES)
    except (UploadRefused, UploadTooLarge):
        raise CsrfRefused(session) from None  # not our form's multipart post: its token cannot be checked
    fields, file = sent.fields("file"), sent.file("file")
    if not token_matches(session.csrf_secret, fields.get(FIELD)):
        raise CsrfRefused(session)
    filename, content = (file.filename or "", file.data) if file is not None else ("", b"")
    if not content.strip():
        return _render(request, session, "import.html", 422, problem="permits.import.no_file")
    results, now = _results(request), datetime.now(UTC)
    digest = results.digest(content)
    earlier = None if fields.get("again") else results.earlier(session.session_id, digest, now)
    if earlier is not None:  # the same file again: a double click or a resent form
        return RedirectResponse(f"/permits/import/{earlier.result_id}?repeated=1", status_code=303)
    report = await desk.import_csv(*calling(request, session), content)
    if isinstance(report, desk.Outcome):
        return _render(request, session, "import.html", 422, problem="permits.import.refused", detail=report.detail)
    kept = results.keep(session.session_id, digest, filename, report, now)
    return RedirectResponse(f"/permits/import/{kept.result_id}", status_code=303)


@router.get("/permits/import/{result_id}")
async def import_result(request: Request, session: Desk, result_id: PermitId, repeated: Text = "") -> Response:
    result = _results(request).get(result_id, session.session_id, datetime.now(UTC))
    return _render(
        request, session, "import_result.html", 404 if result is None else 200, result=result, repeated=bool(repeated)
    )


@router.get("/permits/{permit_id}")
async def show(request: Request, session: Desk, permit_id: PermitId, done: Text = "") -> Response:
    try:
        page = await desk.detail(*calling(request, session), permit_id)
    except ServiceRefused as refused:
        if refused.status != 404 or refused.route_missing:
            raise
        return _render(request, session, "missing.html", 404)  # a mistyped or stale link, not a fault
    return _render(request, session, "detail.html", page=page, done=done if done in DONE else "")


@router.get("/permits/{permit_id}/change")
async def change_form(request: Request, session: Desk, permit_id: PermitId) -> Response:
    found = await desk.permit(*calling(request, session), permit_id)
    return await _form_page(request, session, form_values(found), permit=found, problem=None)


@router.post("/permits/{permit_id}/change")
async def change(request: Request, session: Desk, permit_id: PermitId) -> Response:
    form = await posted_form(request, session)
    api, token = calling(request, session)
    found = await desk.permit(api, token, permit_id)
    typed = {**form, "plate": str(found["plate"]), "kind": str(found["kind"])}
    try:
        body = parse_change(form, found)
    except FormProblem as problem:
        return await _form_page(request, session, typed, permit=found, problem=problem)
    outcome = await desk.change(api, token, permit_id, body)
    if outcome.kind in ("refused", "conflict"):
        refusal = FormProblem("conflict" if outcome.kind == "conflict" else "service", outcome.detail)
        return await _form_page(request, session, typed, permit=found, problem=refusal)
    return RedirectResponse(f"/permits/{permit_id}?done={'changed' if outcome.kind == 'done' else 'unchanged'}", 303)


@router.get("/permits/{permit_id}/revoke")
async def revoke_form(request: Request, session: Desk, permit_id: PermitId) -> Response:
    found = await desk.permit(*calling(request, session), permit_id)
    return _render(request, session, "revoke.html", permit=found, problem=None)


@router.post("/permits/{permit_id}/revoke")
async def revoke(request: Request, session: Desk, permit_id: PermitId) -> Response:
    await posted_form(request, session)
    outcome = await desk.revoke(*calling(request, session), permit_id)
    if outcome.kind != "done":
        found = await desk.permit(*calling(request, session), permit_id)
        return _render(request, session, "revoke.html", 409, permit=found, problem=outcome.detail)
    return RedirectResponse(f"/permits/{permit_id}?{urlencode({'done': 'revoked'})}", status_code=303)


def _results(request: Request) -> ImportResults:
    """One per console process, made on first use (the console's bootstrap knows nothing of this screen)."""
    found = getattr(request.app.state, "permit_imports", None)
    if not isinstance(found, ImportResults):
        found = ImportResults()
        request.app.state.permit_imports = found
    return found
