"""The pilot screen: the regimes in force with their modes and switch moments, a forecast of a proposed regime
file over a past period, and the pilot report for a chosen period. Plain links and forms: no JavaScript."""

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from anpr_console.domain.csrf import FIELD, token_matches
from anpr_console.domain.navigation import PILOT
from anpr_console.domain.pilot import LOCAL, PilotProblem, default_period, parse_period
from anpr_console.domain.pilot_forecast import COLUMNS, MAX_REGIME_BYTES, parse_forecast
from anpr_console.domain.pilot_report import MAX_REPORT_DAYS
from anpr_console.domain.session import Session
from anpr_console.domain.uploads import Multipart, UploadRefused, parse_multipart
from anpr_console.entrypoints.deps import CsrfRefused, FormTooLarge, calling, screen_session
from anpr_console.entrypoints.rendering import render, render_screen
from anpr_console.handlers.pilot import ForecastResult, load_regimes, load_report, regime_ids, run_forecast

router = APIRouter(include_in_schema=False)
Planner = Annotated[Session, screen_session(PILOT)]
Day = Annotated[str, Query(alias="from", max_length=20)]
LastDay = Annotated[str, Query(alias="to", max_length=20)]
MAX_UPLOAD_BYTES = MAX_REGIME_BYTES + 16 * 1024  # the file and the few text fields around it


def _now() -> datetime:
    return datetime.now(UTC)


def _page(
    request: Request, session: Session, template: str, part: str, status_code: int = 200, **values: Any
) -> Response:
    """A page of the pilot screen with its part (regimes, forecast, report) marked as current."""
    context = {"part": part, **values}
    return render_screen(request, PILOT, template, context, session=session, status_code=status_code)


@router.get("/pilot")
async def regimes(request: Request, session: Planner) -> Response:
    now = _now()
    rows = await load_regimes(*calling(request, session), now)
    return _page(request, session, "pilot.html", "regimes", regimes=rows, now=now)


async def _forecast_page(
    request: Request,
    session: Session,
    typed: dict[str, str],
    *,
    result: ForecastResult | None = None,
    problem: PilotProblem | None = None,
    status_code: int = 200,
) -> Response:
    ids = await regime_ids(*calling(request, session), _now())
    context = {"typed": typed, "result": result, "problem": problem, "columns": COLUMNS, "regime_ids": ids}
    return _page(request, session, "pilot_forecast.html", "forecast", status_code, **context)


@router.get("/pilot/forecast")
async def forecast_form(request: Request, session: Planner) -> Response:
    return await _forecast_page(request, session, default_period(_now().astimezone(LOCAL).date(), 28).params())


@router.post("/pilot/forecast")
async def forecast(request: Request, session: Planner) -> Response:
    body = await request.body()
    if len(body) > MAX_UPLOAD_BYTES:
        raise FormTooLarge
    try:
        sent = parse_multipart(request.headers.get("content-type", ""), body, MAX_UPLOAD_BYTES)
    except UploadRefused:
        sent = Multipart(())  # like a body without parts: not a form this screen sent
    fields = sent.fields()
    if not sent.parts:
        return render(request, "error.html", {"message": "pilot.form.not_multipart"}, session=session, status_code=400)
    if not token_matches(session.csrf_secret, fields.get(FIELD)):
        raise CsrfRefused(session)
    try:
        form = parse_forecast(fields, sent.files())
        result = await run_forecast(*calling(request, session), form, _now(), session.roles)
    except PilotProblem as problem:
        # The chosen period and the other fields stay as typed; a file input can never be refilled by a
        # server (browsers forbid it), so the message says to choose the file again.
        return await _forecast_page(request, session, fields, problem=problem, status_code=422)
    # No redirect after this POST: a forecast writes nothing, so a repeated submit only computes it again.
    return await _forecast_page(request, session, fields, result=result)


@router.get("/pilot/report")
async def report(request: Request, session: Planner, first: Day = "", last: LastDay = "") -> Response:
    typed = {"from": first, "to": last}
    if not first and not last:
        typed = default_period(_now().astimezone(LOCAL).date(), 7).params()
    try:
        period = parse_period(typed, MAX_REPORT_DAYS)
    except PilotProblem as problem:
        context = {"typed": typed, "problem": problem, "figures": None, "max_days": MAX_REPORT_DAYS}
        return _page(request, session, "pilot_report.html", "report", 422, **context)
    found = await load_report(*calling(request, session), period)
    return _page(
        request,
        session,
        "pilot_report.html",
        "report",
        typed=typed,
        problem=None,
        figures=found.figures,
        cameras=found.cameras,
        period=period,
        max_days=MAX_REPORT_DAYS,
    )
