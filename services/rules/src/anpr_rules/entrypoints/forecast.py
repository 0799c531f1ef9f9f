"""`POST /v1/forecast`: what a proposed regime (or change) would have raised in a past period.

Rules owns the regimes, the vehicle registry (in memory) and the hourly outcome counts, so the forecast
runs here, on the real rules engine. Review throughput and acceptance are the caller's (measured in
notices: `anpr forecast` reads them from `GET /v1/stats`)."""

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from sqlalchemy import select

from anpr_pilot.forecast import ReviewRates, forecast
from anpr_rules.adapters.pilot import RulesRegimeView, hour_counts
from anpr_rules.adapters.tables import outcome_counts
from anpr_rules.domain.regime import Regime
from anpr_rules.entrypoints.deps import Components
from anpr_runtime import PermanentError
from anpr_runtime.auth import Principal, Role, require_roles

router = APIRouter(prefix="/v1", tags=["forecast"])
MAX_WINDOW = timedelta(days=366)
Planner = Annotated[Principal, Depends(require_roles(Role.OPERATOR, Role.SUPERVISOR))]


class ForecastIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    regime: Regime = Field(description="The proposed regime, as in a regime file (its id may be new).")
    baseline_regime_id: str | None = Field(
        default=None, description="Regime whose counts are replayed; default: the proposed regime's id."
    )
    since: AwareDatetime
    until: AwareDatetime
    decisions_per_hour: float = Field(gt=0, description="One reviewer's measured decisions per hour.")
    acceptance: float = Field(default=1.0, ge=0, le=1, description="Share of decided candidates accepted.")
    exemption_request_rate: float | None = Field(default=None, ge=0, le=1)
    new_locations: dict[str, str] = Field(
        default_factory=dict, description="New location -> an existing one whose traffic it is expected to see."
    )
    zones: dict[str, str] = Field(default_factory=dict, description="Location -> zone (for zone-wide regimes).")
    sample_size: int = Field(default=3000, ge=100, le=20_000, description="Registry vehicles in the mix.")


@router.post("/forecast")
async def post_forecast(request: Request, _: Planner, parts: Components, body: ForecastIn) -> dict[str, Any]:
    baseline_id = body.baseline_regime_id or body.regime.id
    baseline = next((r for r in parts.regimes.regimes if r.id == baseline_id), None)
    if baseline is None:
        raise PermanentError(f"no regime {baseline_id!r} in force to replay: give baseline_regime_id")
    if not body.since < body.until <= body.since + MAX_WINDOW:
        # The replay walks the window hour by hour: a bounded window is a bounded request.
        raise PermanentError(f"since must be before until, at most {MAX_WINDOW.days} days apart")
    c = outcome_counts.c
    query = select(c.regime_id, c.location_id, c.hour, c.outcome, c.count).where(
        c.hour >= body.since, c.hour < body.until
    )
    async with request.app.state.resources.engine.connect() as connection:
        rows = hour_counts([tuple(row) for row in await connection.execute(query)])
    sample = parts.vehicles.sample(body.sample_size)
    rates = ReviewRates(body.decisions_per_hour, body.acceptance, body.exemption_request_rate)
    result = forecast(
        rows,
        RulesRegimeView(baseline, sample, body.zones),
        RulesRegimeView(body.regime, sample, body.zones),
        body.since,
        body.until,
        rates,
        body.new_locations,
    )
    return result.to_json() | {"vehicles_in_mix": len(sample), "reads_replayed": sum(r.count for r in rows)}
