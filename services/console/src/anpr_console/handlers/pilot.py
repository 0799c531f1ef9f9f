"""The pilot screen's calls, all with the planner's own token: rules for the regimes and the forecast,
notices for the measured review throughput and the report's figures, ingest for the zones of locations."""

import asyncio
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from anpr_console.adapters.services_api import ServiceRefused, ServicesApi, ServiceUnavailable
from anpr_console.domain.pilot import Period, PilotProblem, RegimeRow, regime_rows
from anpr_console.domain.pilot_forecast import (
    ForecastForm,
    RequestSource,
    counts_purpose,
    measured_review,
    request_source,
)
from anpr_console.domain.pilot_report import CameraRow, ReportFigures, camera_rows, report_figures

MEASURE_DAYS = 28  # the reviewers (and the counter's applicants) of today, as `anpr forecast` measures them
COUNTS_PATH = "/v1/counter/application-counts"
MAX_CAMERAS = 500  # a municipality's pilot has tens; the bound keeps one page from fanning out without end


async def load_regimes(api: ServicesApi, token: str, now: datetime) -> list[RegimeRow]:
    return regime_rows(await api.get_json("rules", "/v1/regimes", token), now)


async def regime_ids(api: ServicesApi, token: str, now: datetime) -> list[str]:
    """The baseline suggestions of the forecast form: empty when rules cannot say, the form works without."""
    try:
        return [row.id for row in await load_regimes(api, token, now)]
    except (ServiceRefused, ServiceUnavailable):
        return []


@dataclass(frozen=True)
class ForecastResult:
    figures: dict[str, Any]
    period: Period
    decisions_per_hour: float
    measured: bool  # True: the throughput came from notices, not from the form
    acceptance: float
    notes: list[str] = field(default_factory=list)  # message keys of what was left out, and why
    requests: RequestSource | None = None  # what the exemption requests were projected from


def _window(now: datetime) -> dict[str, str]:
    return {"since": (now - timedelta(days=MEASURE_DAYS)).isoformat(), "until": now.isoformat()}


async def _recent_stats(api: ServicesApi, token: str, now: datetime) -> dict[str, Any] | None:
    try:
        found: dict[str, Any] = await api.get_json("notices", "/v1/stats", token, _window(now))
    except (ServiceRefused, ServiceUnavailable):
        return None
    return found


def _throughput(stats: dict[str, Any] | None, form: ForecastForm) -> tuple[float, bool, float]:
    """The form's decisions per hour, else notices' measurement; acceptance is always measured (1.0 without)."""
    per_hour, acceptance = measured_review(stats) if stats is not None else (None, 1.0)
    if form.decisions_per_hour is not None:
        return form.decisions_per_hour, False, acceptance
    if per_hour is None:
        raise PilotProblem("decisions_per_hour", "pilot.form.rate_unmeasured", str(MEASURE_DAYS))
    return per_hour, True, acceptance


async def _requests(
    api: ServicesApi,
    token: str,
    roles: Collection[str],
    stats: dict[str, Any] | None,
    form: ForecastForm,
    now: datetime,
    notes: list[str],
) -> RequestSource:
    """The counter's applications over the same 28 days as the review measurement, as `anpr forecast` takes
    them; without an answer from exemptions the form's rate or the permit share, and a note says why."""
    purpose = counts_purpose(roles)
    counts = None
    if purpose is not None:
        try:
            counts = await api.get_json("exemptions", COUNTS_PATH, token, _window(now), purpose=purpose)
        except (ServiceRefused, ServiceUnavailable):
            counts = None
    if counts is None:
        notes.append("pilot.forecast.no_application_counts")
    return request_source(counts, stats or {}, form.exemption_request_rate)


async def _zones(api: ServicesApi, token: str, notes: list[str]) -> dict[str, str]:
    """Location -> zone from ingest, so zone-wide regimes see their locations; without it: locations only."""
    try:
        locations = await api.get_json("ingest", "/v1/locations", token)
    except (ServiceRefused, ServiceUnavailable):
        notes.append("pilot.forecast.no_zones")
        return {}
    return {str(loc["location_id"]): str(loc["zone_id"]) for loc in locations if loc.get("zone_id")}


async def run_forecast(
    api: ServicesApi, token: str, form: ForecastForm, now: datetime, roles: Collection[str] = ()
) -> ForecastResult:
    """Rules' refusal of the regime or the baseline comes back as a PilotProblem on that field, in its words.
    A forecast changes nothing anywhere: sending it twice costs time, never a second effect. `roles`: the
    planner's, for the purpose of reading the counter's application counts."""
    notes: list[str] = []
    stats = await _recent_stats(api, token, now)
    per_hour, measured, acceptance = _throughput(stats, form)
    requests = await _requests(api, token, roles, stats, form, now, notes)
    body = form.body(per_hour, acceptance, await _zones(api, token, notes), requests.rate)
    try:
        figures = await api.post_json("rules", "/v1/forecast", token, body)
    except ServiceRefused as refused:
        if refused.status not in (400, 422) or refused.route_missing:
            raise
        raise PilotProblem(_field_of(refused.detail), "pilot.form.refused", refused.detail) from None
    return ForecastResult(figures, form.period, per_hour, measured, acceptance, notes, requests)


def _field_of(detail: str) -> str:
    """Which field rules' reason is about: its messages name the baseline and the period; the rest is the
    regime's own validation."""
    if "baseline" in detail or "no regime" in detail:
        return "baseline"
    if "since must be" in detail:
        return "to"
    return "regime_file"


@dataclass(frozen=True)
class PilotReport:
    figures: ReportFigures
    cameras: list[CameraRow] | None  # None: ingest could not say where the cameras stood


async def load_report(api: ServicesApi, token: str, period: Period) -> PilotReport:
    params = {"since": period.since.isoformat(), "until": period.until.isoformat()}
    figures = report_figures(await api.get_json("notices", "/v1/stats", token, params))
    return PilotReport(figures, await _cameras(api, token, figures, period))


async def _cameras(api: ServicesApi, token: str, figures: ReportFigures, period: Period) -> list[CameraRow] | None:
    """Where each camera stood (ingest's placement history, one call per camera, concurrently); the report
    still renders without it."""
    try:
        cameras = (await api.get_json("ingest", "/v1/cameras", token))[:MAX_CAMERAS]
        histories = await asyncio.gather(
            *(api.get_json("ingest", f"/v1/cameras/{quote(str(c['camera_id']))}/placements", token) for c in cameras)
        )
    except (ServiceRefused, ServiceUnavailable):
        return None
    placements = {str(c["camera_id"]): h for c, h in zip(cameras, histories, strict=True)}
    return camera_rows(cameras, placements, figures.reads_at, period.since, period.until)
