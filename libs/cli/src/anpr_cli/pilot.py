"""`anpr forecast`, `anpr plan-rotation`, `anpr report`: the pilot tools (libs/pilot) against a running system."""

import asyncio
import csv
import json
import os
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import httpx
import typer
import yaml
from rich.console import Console
from rich.table import Table

from anpr_cli.paths import load_run_env, run_dir
from anpr_cli.service_api import admin_client, get_json, service_url

if TYPE_CHECKING:  # imported where used at run time: `anpr --help` stays fast
    from anpr_pilot.exemption_requests import RequestRate

console = Console()
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _moment(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else datetime.combine(parsed.date(), time(0), UTC)


def _out(directory: Path | None) -> Path:
    chosen = directory or run_dir() / "pilot"
    chosen.mkdir(parents=True, exist_ok=True)
    return chosen


MEASURE_DAYS = 28  # the reviewers and applicants of today, not those of the replayed period
COUNTS_PURPOSE = "administration: pilot forecast"  # X-Purpose of the admin token's read of the counter's counts


def recent_stats(client: httpx.Client, days: int = MEASURE_DAYS) -> tuple[dict[str, Any], datetime, datetime]:
    until = datetime.now(UTC)
    since = until - timedelta(days=days)
    return get_json(client, "notices", "/v1/stats", since=since.isoformat(), until=until.isoformat()), since, until


def measured_review(client: httpx.Client, days: int = MEASURE_DAYS) -> tuple[float | None, float]:
    """One reviewer's decisions per hour (hours with decisions) and the share accepted, from notices' decision
    timestamps over the last `days` (the reviewers of today, not those of the replayed period)."""
    return review_of(recent_stats(client, days)[0])


def review_of(stats: dict[str, Any]) -> tuple[float | None, float]:
    hours = [r["decisions"] for r in stats["reviewers"]]
    accepted = sum(b["accepted"] for b in stats["per_hour"])
    rejected = sum(sum(b["rejected"].values()) for b in stats["per_hour"])
    per_hour = sum(hours) / len(hours) if hours else None
    return per_hour, accepted / (accepted + rejected) if accepted + rejected else 1.0


def observed_requests(
    client: httpx.Client, stats: dict[str, Any], since: datetime, until: datetime, configured: float | None
) -> "RequestRate":
    """The request rate the forecast projects exemption requests from (anpr_pilot.exemption_requests): the
    counter's applications over the same window as notices' `stats`, the configured rate while there are
    none; an exemptions that cannot say (down, or older than the count) is said and treated as none."""
    from anpr_pilot.exemption_requests import observed_applications, request_rate

    window = {"since": since.isoformat(), "until": until.isoformat()}
    try:
        response = client.get(
            service_url("exemptions", "/v1/counter/application-counts"),
            params=window,
            headers={"X-Purpose": COUNTS_PURPOSE},
        )
    except httpx.HTTPError as error:
        console.print(f"exemptions unreachable ({type(error).__name__}): applications not counted", markup=False)
        return request_rate(None, configured)
    if response.status_code != 200:
        console.print(f"exemptions counts: {response.status_code} {response.text[:200]}", markup=False)
        return request_rate(None, configured)
    return request_rate(observed_applications(response.json(), stats, since, until), configured)


def forecast(
    regime_file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="proposed regime (YAML)")],
    since: Annotated[str, typer.Option("--from", help="replayed period start (ISO date or moment)")],
    until: Annotated[str, typer.Option("--to", help="replayed period end (exclusive)")],
    baseline: Annotated[str | None, typer.Option(help="regime whose counts are replayed (default: same id)")] = None,
    new_location: Annotated[
        list[str] | None, typer.Option(help="NEW=LIKE: a new location seeing LIKE's traffic")
    ] = None,
    decisions_per_hour: Annotated[float | None, typer.Option(help="override the measured review throughput")] = None,
    exemption_request_rate: Annotated[
        float | None,
        typer.Option(
            min=0.0,
            max=1.0,
            help="share of newly affected vehicles that ask for an exemption, while the permit counter has no "
            "applications yet (default then: the fitted permit share)",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="directory for the table, JSON and plot (default .run/pilot)")
    ] = None,
) -> None:
    """What-if: replay a past period's counts against a proposed regime; candidates, reviewer hours, letters."""
    from anpr_pilot.plot_forecast import plot_forecast

    start, end = _moment(since), _moment(until)
    with admin_client() as client:
        stats, measured_since, measured_until = recent_stats(client)
        measured, acceptance = review_of(stats)
        requests = observed_requests(client, stats, measured_since, measured_until, exemption_request_rate)
        throughput = decisions_per_hour or measured
        if throughput is None:
            raise typer.BadParameter(
                "no review decisions in the period to measure throughput: give --decisions-per-hour"
            )
        zones = {
            loc["location_id"]: loc["zone_id"] for loc in get_json(client, "ingest", "/v1/locations") if loc["zone_id"]
        }
        body = {
            "regime": yaml.safe_load(regime_file.read_text()),
            "baseline_regime_id": baseline,
            "since": start.isoformat(),
            "until": end.isoformat(),
            "decisions_per_hour": throughput,
            "acceptance": acceptance,
            "new_locations": dict(item.split("=", 1) for item in new_location or []),
            "zones": zones,
        }
        if requests.rate is not None:  # else rules fits the permit share
            body["exemption_request_rate"] = requests.rate
        response = client.post(service_url("rules", "/v1/forecast"), json=body)
    if response.status_code != 200:
        raise typer.BadParameter(f"rules /v1/forecast: {response.status_code} {response.text}")
    result = response.json()
    result["review_throughput"] = {"decisions_per_hour": throughput, "measured": measured, "acceptance": acceptance}
    result["exemption_requests_source"] = requests.to_json()
    columns = [
        "day",
        "reads",
        "candidates",
        "review_items",
        "reviewer_hours",
        "warning_letters",
        "notices",
        "exemption_requests",
        "actual_candidates",
    ]
    table = Table(*columns, title=f"forecast {result['regime_id']} replaying {result['baseline_regime_id']}")
    for day in result["days"]:
        table.add_row(*(str(day[c]) for c in columns))
    table.add_row("total", *(str(result["totals"][c]) for c in columns[1:]))
    console.print(table)
    console.print(requests.describe(), markup=False)
    directory = _out(out)
    stem = directory / f"forecast-{result['regime_id']}"
    stem.with_suffix(".json").write_text(json.dumps(result, indent=2))
    with stem.with_suffix(".csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(result["days"])
    plot_forecast(result, stem.with_suffix(".png"))
    console.print(f"written: {stem}.json, .csv, .png", markup=False)


def plan_rotation(
    start: Annotated[str, typer.Option("--from", help="first day of the plan (ISO date)")],
    weeks: Annotated[int, typer.Option(min=1, max=12)] = 4,
    learn_days: Annotated[int, typer.Option(min=1, max=92, help="days of counts to learn rates from")] = 28,
    min_stay: int = 3,
    max_stay: int = 14,
    moves_per_week: int = 2,
    crew_days: Annotated[str, typer.Option(help="weekdays a crew can mount cameras")] = "mon,tue,wed,thu,fri",
    blackout: Annotated[list[str] | None, typer.Option(help="DATE or LOCATION@DATE (repeatable)")] = None,
    min_days_per_location: int = 0,
    spread_bonus: Annotated[float, typer.Option(help="detections a covered location-week is worth")] = 0.0,
    approve: Annotated[bool, typer.Option(help="write the plan into ingest's placement history")] = False,
    out: Annotated[Path | None, typer.Option()] = None,
) -> None:
    """Plan the rotating cameras over consenting locations: expected detections against round robin."""
    from anpr_pilot.planner import plan_rotation as solve
    from anpr_pilot.rates import Stood, learn_rates
    from anpr_pilot.round_robin import round_robin
    from anpr_pilot.scenario import Constraints, Scenario, check_schedule
    from anpr_pilot.traffic_model import HourCount

    first = date.fromisoformat(start)
    with admin_client() as client:
        locations = get_json(client, "ingest", "/v1/locations")
        consenting = [loc["location_id"] for loc in locations if loc["consent_reference"]]
        cameras = get_json(client, "ingest", "/v1/cameras")
        rotating = [c["camera_id"] for c in cameras if c["kind"] == "rotating"]
        history = {
            c["camera_id"]: get_json(client, "ingest", f"/v1/cameras/{c['camera_id']}/placements") for c in cameras
        }
        until = datetime.now(UTC)
        since = until - timedelta(days=learn_days)
        stats = get_json(client, "notices", "/v1/stats", since=since.isoformat(), until=until.isoformat())
    rows = [
        HourCount(b["regime_id"], b["location_id"], datetime.fromisoformat(b["hour"]), outcome, n)
        for b in stats["per_hour"]
        for outcome, n in b["outcomes"].items()
    ]
    stood = [
        Stood(
            p["location_id"],
            datetime.fromisoformat(p["valid_from"]),
            p["valid_until"] and datetime.fromisoformat(p["valid_until"]),
        )
        for placements in history.values()
        for p in placements
    ]
    standing = {c: h[-1]["location_id"] for c, h in history.items() if h and h[-1]["valid_until"] is None}
    current = {c: where for c, where in standing.items() if c in rotating}
    # A fixed camera already watches its location: a rotating one is better used elsewhere.
    consenting = [loc for loc in consenting if loc not in {w for c, w in standing.items() if c not in rotating}]
    if not consenting or not rotating:
        raise typer.BadParameter("needs rotating cameras and locations with the prosecutor's consent (ingest)")
    dates = [b for b in blackout or [] if "@" not in b]
    spots = [tuple(b.split("@", 1)) for b in blackout or [] if "@" in b]
    rules = Constraints(
        min_stay_days=min_stay,
        max_stay_days=max_stay,
        max_moves_per_week=moves_per_week,
        crew_weekdays=frozenset(WEEKDAYS.index(d.strip()[:3].lower()) for d in crew_days.split(",")),
        blackout=frozenset(date.fromisoformat(d) for d in dates),
        location_blackout=frozenset((loc, date.fromisoformat(d)) for loc, d in spots),
        min_days_per_location=min_days_per_location,
    )
    rates = learn_rates(rows, stood, consenting, since, until)
    scenario = Scenario(tuple(rotating), tuple(rates), first, 7 * weeks, rules, current)
    plan = solve(scenario, spread_bonus=spread_bonus)
    baseline = round_robin(scenario)
    _show_plan(plan, baseline, scenario, check_schedule(baseline, scenario))
    directory = _out(out)
    path = directory / f"plan-{first.isoformat()}.json"
    path.write_text(json.dumps(_plan_json(plan, baseline, scenario), indent=2))
    console.print(f"written: {path}", markup=False)
    if approve:
        with admin_client() as client:
            _write_placements(client, plan.schedule, scenario)
        console.print("approved: the plan is in ingest's placement history")


def _plan_json(plan: Any, baseline: Any, scenario: Any) -> dict[str, Any]:
    return {
        "status": plan.status,
        "expected_detections": round(plan.expected_detections, 1),
        "round_robin_expected_detections": round(baseline.expected_detections(scenario), 1),
        "days": [d.isoformat() for d in plan.schedule.days],
        "cameras": {c: list(s) for c, s in plan.schedule.at.items()},
        "coverage": {
            r.location_id: {
                "days": plan.schedule.days_at(r.location_id),
                "share": round(plan.schedule.days_at(r.location_id) / scenario.days, 3),
                "rate_per_day": [round(v, 2) for v in r.violations_per_day],
                "camera_days_measured": round(r.camera_days_measured, 1),
            }
            for r in scenario.locations
        },
    }


def _show_plan(plan: Any, baseline: Any, scenario: Any, baseline_problems: list[str]) -> None:
    letters = {r.location_id: chr(ord("A") + n) for n, r in enumerate(scenario.locations)}
    days = plan.schedule.days[:14]
    table = Table("camera", *[d.strftime("%a %d") for d in days], title="rotation plan, first two weeks (- : off)")
    table.columns[0].no_wrap = True
    for camera, spots in plan.schedule.at.items():
        table.add_row(camera, *[letters.get(s, "-") if s else "-" for s in spots[: len(days)]])
    console.print(table)
    coverage = Table("", "location", "days covered", "share", "detections/day learned", "from camera-days")
    for r in scenario.locations:
        covered = plan.schedule.days_at(r.location_id)
        mean = sum(r.violations_per_day) / 7
        coverage.add_row(
            letters[r.location_id],
            r.location_id,
            str(covered),
            f"{covered / scenario.days:.0%}",
            f"{mean:.2f}",
            f"{r.camera_days_measured:.1f}",
        )
    console.print(coverage)
    rr = baseline.expected_detections(scenario)
    note = "" if not baseline_problems else f" (round robin breaks {len(baseline_problems)} constraints)"
    console.print(
        f"expected detections: plan {plan.expected_detections:.1f} ({plan.status}), round robin {rr:.1f}{note}",
        markup=False,
    )


def _write_placements(client: httpx.Client, schedule: Any, scenario: Any) -> None:
    from anpr_pilot.forecast import LOCAL

    for camera, spots in schedule.at.items():
        before = scenario.current.get(camera)
        for where, day in zip(spots, schedule.days, strict=True):
            moment = datetime.combine(day, time(0), LOCAL).isoformat()
            if where is not None and where != before:
                response = client.post(
                    service_url("ingest", f"/v1/cameras/{camera}/placements"),
                    json={"location_id": where, "valid_from": moment},
                )
            elif where is None and before is not None:
                response = client.post(
                    service_url("ingest", f"/v1/cameras/{camera}/placements/end"), json={"valid_until": moment}
                )
            else:
                before = where
                continue
            if response.status_code not in (200, 201):
                raise typer.BadParameter(f"ingest refused {camera} on {day}: {response.status_code} {response.text}")
            before = where


def report(
    since: Annotated[str, typer.Option("--from", help="period start (ISO date or moment)")],
    until: Annotated[str, typer.Option("--to", help="period end (exclusive)")],
    out: Annotated[Path | None, typer.Option(help="directory (default .run/pilot)")] = None,
) -> None:
    """The pilot report (HTML and PDF) from the services' databases, read-only, aggregates only."""
    from anpr_pilot.report.gather import gather
    from anpr_pilot.report.render import write_report

    load_run_env()
    url = os.environ["DATABASE_URL"]
    url = url.replace("postgresql://", "postgresql+asyncpg://", 1) if url.startswith("postgresql://") else url
    data = asyncio.run(gather(url, _moment(since), _moment(until), datetime.now(UTC)))
    html, pdf = write_report(data, _out(out))
    console.print(f"written: {html}\n         {pdf}", markup=False)
