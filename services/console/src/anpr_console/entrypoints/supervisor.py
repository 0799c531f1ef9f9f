"""The supervisor screen: statistics (tables, drawn as charts by supervisor.js), export batches, warning
letters, the audit trail and the monthly reminder run. Every page works without JavaScript; every POST
redirects (post/redirect/get), so a reload never runs an action again."""

from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from anpr_console.adapters.services_api import ServiceRefused
from anpr_console.domain.messages import translate
from anpr_console.domain.navigation import SUPERVISOR
from anpr_console.domain.review import FormProblem
from anpr_console.domain.session import Session
from anpr_console.domain.supervisor import AMSTERDAM, AUDIT_LIMITS, parse_audit_filters, parse_month, parse_period
from anpr_console.entrypoints.deps import calling, posted_form, screen_session
from anpr_console.entrypoints.rendering import render_screen, request_language
from anpr_console.handlers import supervisor as work

router = APIRouter(include_in_schema=False)
Supervisor = Annotated[Session, screen_session(SUPERVISOR)]
Text = Annotated[str, Query(max_length=200)]
PRIVATE = {"Cache-Control": "private, no-store"}
# The letter is notices' own printable page with its own inline style: served as a sandboxed document that
# may style itself but run nothing and load nothing.
LETTER_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox allow-modals"


def _today() -> Any:
    return datetime.now(AMSTERDAM).date()


def _page(request: Request, session: Session, template: str, status_code: int = 200, **context: Any) -> Response:
    values = {"problem": None, "typed": {}, **context}
    return render_screen(
        request, SUPERVISOR, f"supervisor/{template}", values, session=session, status_code=status_code
    )


@router.get("/supervisor")
async def statistics(request: Request, session: Supervisor, since: Text = "", until: Text = "") -> Response:
    typed = {"since": since, "until": until}
    try:
        period = parse_period(typed, _today())
    except FormProblem as problem:
        return _page(request, session, "stats.html", 422, problem=problem, typed=typed, stats=None, period=None)
    none_label = translate(request_language(request), "supervisor.stats.none")
    try:
        stats = await work.load_stats(*calling(request, session), period, none_label)
    except ServiceRefused as refused:
        if refused.status != 422:
            raise
        refusal = FormProblem("since", "supervisor.form.period_refused")
        return _page(request, session, "stats.html", 422, problem=refusal, typed=typed, stats=None, period=period)
    typed = {"since": period.first.isoformat(), "until": period.last.isoformat()}
    return _page(request, session, "stats.html", stats=stats, period=period, typed=typed)


@router.get("/supervisor/exports")
async def exports(request: Request, session: Supervisor, done: Text = "", batch: Text = "") -> Response:
    batches = await work.export_batches(*calling(request, session))
    return _page(request, session, "exports.html", batches=batches, done=done, batch=batch)


@router.get("/supervisor/exports/new")
async def confirm_export(request: Request, session: Supervisor) -> Response:
    newest = await work.export_batches(*calling(request, session), limit=1)
    return _page(request, session, "export_confirm.html", newest=str(newest[0]["batch_id"]) if newest else "")


@router.post("/supervisor/exports")
async def create_export(request: Request, session: Supervisor) -> Response:
    form = await posted_form(request, session)
    outcome = await work.create_export(*calling(request, session), form.get("newest", "")[:100])
    query = urlencode({"done": outcome.kind, "batch": outcome.batch_id})
    return RedirectResponse(f"/supervisor/exports?{query}", status_code=303)


@router.get("/supervisor/exports/{batch_id}/download/{kind}")
async def download(request: Request, session: Supervisor, batch_id: UUID, kind: Literal["csv", "json"]) -> Response:
    found = await work.export_file(*calling(request, session), str(batch_id), kind)
    headers = {**PRIVATE, "Content-Disposition": f'attachment; filename="export-{batch_id}.{kind}"'}
    return Response(found.content, media_type=found.media_type, headers=headers)


@router.get("/supervisor/letters")
async def letters(request: Request, session: Supervisor) -> Response:
    found = await work.letter_candidates(*calling(request, session), limit=100)
    return _page(request, session, "letters.html", letters=found)


@router.get("/supervisor/letters/{candidate_id}")
async def letter(request: Request, session: Supervisor, candidate_id: UUID) -> Response:
    try:
        found = await work.letter(*calling(request, session), str(candidate_id))
    except ServiceRefused as refused:
        if refused.status not in (404, 409) or refused.route_missing:
            raise
        return _page(request, session, "letters.html", 404, letters=[], missing=str(candidate_id))
    return Response(
        found.content, media_type=found.media_type, headers={**PRIVATE, "Content-Security-Policy": LETTER_POLICY}
    )


@router.get("/supervisor/audit")
async def audit(
    request: Request,
    session: Supervisor,
    actor: Text = "",
    subject: Text = "",
    since: Text = "",
    until: Text = "",
    limit: Text = "100",
) -> Response:
    typed = {"actor": actor, "subject": subject, "since": since, "until": until, "limit": limit}
    context: dict[str, Any] = {"typed": typed, "limits": AUDIT_LIMITS}
    try:
        filters = parse_audit_filters(typed)
    except FormProblem as problem:
        return _page(request, session, "audit.html", 422, problem=problem, rows=None, **context)
    rows = await work.audit_rows(*calling(request, session), filters)
    return _page(request, session, "audit.html", rows=rows, filters=filters, **context)


@router.get("/supervisor/reminders")
async def reminders(request: Request, session: Supervisor, month: Text = "", done: Text = "") -> Response:
    chosen = month or _today().strftime("%Y-%m")
    try:
        chosen = parse_month({"month": chosen}, _today())
    except FormProblem as problem:
        return _page(request, session, "reminders.html", 422, problem=problem, typed={"month": month}, run=None)
    found = await work.reminder_run(*calling(request, session), chosen)
    return _page(request, session, "reminders.html", typed={"month": chosen}, run=found, month=chosen, done=done)


@router.post("/supervisor/reminders")
async def run_reminders(request: Request, session: Supervisor) -> Response:
    form = await posted_form(request, session)
    try:
        month = parse_month(form, _today())
    except FormProblem as problem:
        typed = {"month": form.get("month", "")[:20]}
        return _page(request, session, "reminders.html", 422, problem=problem, typed=typed, run=None)
    try:
        await work.run_reminders(*calling(request, session), month)
    except ServiceRefused as refused:
        if refused.status != 422 or refused.route_missing:
            raise
        refusal = FormProblem("month", "supervisor.form.month_refused")
        return _page(request, session, "reminders.html", 422, problem=refusal, typed={"month": month}, run=None)
    return RedirectResponse(f"/supervisor/reminders?{urlencode({'month': month, 'done': 'run'})}", status_code=303)
