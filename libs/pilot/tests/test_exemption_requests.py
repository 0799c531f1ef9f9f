"""The forecast's exemption requests are projected from the counter's real applications when there are any,
else from the configured rate, else from the fitted permit share; the answer names which."""

from datetime import UTC, datetime, timedelta

import pytest

from anpr_pilot.exemption_requests import ObservedApplications, observed_applications, raised_candidates, request_rate

UNTIL = datetime(2026, 12, 6, tzinfo=UTC)
SINCE = UNTIL - timedelta(days=28)
STATS = {
    "per_hour": [
        {"regime_id": "ze", "outcomes": {"candidate": 30, "exempt": 400, "not_enforceable": 10}},
        {"regime_id": "ze", "outcomes": {"candidate": 40, "no_hit": 900, "review": 7}},
        {"regime_id": "lez", "outcomes": {"candidate": 0, "observed": 50}},
    ]
}
COUNTS = {"total": 20, "per_kind": {"day-permit": 16, "disabled": 4}, "days": []}


def test_the_candidates_raised_are_the_forecasts_own_actual_candidates() -> None:
    assert raised_candidates(STATS) == 80  # candidate and not_enforceable; observed reads are no candidates
    assert raised_candidates({}) == 0


def test_real_applications_give_the_share_of_affected_vehicles_that_ask() -> None:
    observed = observed_applications(COUNTS, STATS, SINCE, UNTIL)

    chosen = request_rate(observed, configured=0.5)

    assert (observed.applications, observed.candidates) == (20, 80)
    assert chosen.source == "applications", "real applications win over a configured rate"
    assert chosen.rate == pytest.approx(20 / 100)
    assert chosen.to_json() == {
        "source": "applications",
        "rate": 0.2,
        "since": SINCE.isoformat(),
        "until": UNTIL.isoformat(),
        "applications": 20,
        "candidates": 80,
        "per_kind": {"day-permit": 16, "disabled": 4},
    }
    assert "20 applications at the counter against 80 candidates" in chosen.describe()


def test_applications_without_any_candidate_mean_every_affected_vehicle_asked() -> None:
    chosen = request_rate(ObservedApplications(SINCE, UNTIL, 3, 0), None)

    assert (chosen.source, chosen.rate) == ("applications", 1.0)


def test_no_applications_yet_falls_back_to_the_configured_rate() -> None:
    none_yet = observed_applications({"total": 0, "per_kind": {}}, STATS, SINCE, UNTIL)

    chosen = request_rate(none_yet, configured=0.05)

    assert (chosen.source, chosen.rate) == ("configured", 0.05)
    assert chosen.to_json()["applications"] == 0
    assert "configured rate 5.0% (no applications at the counter yet)" in chosen.describe()


def test_without_a_configured_rate_the_forecast_fits_the_permit_share() -> None:
    none_yet = request_rate(observed_applications({"total": 0}, STATS, SINCE, UNTIL), None)
    unknown = request_rate(None, None)

    assert (none_yet.source, none_yet.rate) == ("permit_share", None)
    assert unknown.to_json() == {"source": "permit_share", "rate": None}
    assert "the counter's count unavailable" in unknown.describe()


def test_the_forecast_projects_its_requests_from_the_observed_rate() -> None:
    """No permit in the counted traffic (a fitted share of 0: nobody expected to ask); with the counter's
    applications the newly caught vehicles ask at the observed share."""
    from anpr_pilot.forecast import ReviewRates, forecast

    from .test_rates_and_model import MONDAY, WEEK, View, hourly

    rows = hourly("loc-a", "candidate", 2, range(168)) + hourly("loc-a", "no_hit", 18, range(168))
    baseline, stricter = View("mz", ("loc-a",), 1), View("mz", ("loc-a",), 3)
    fitted = request_rate(observed_applications({"total": 0}, STATS, SINCE, UNTIL), None)
    observed = request_rate(observed_applications(COUNTS, STATS, SINCE, UNTIL), None)

    without = forecast(rows, baseline, stricter, MONDAY, WEEK, ReviewRates(10.0, 1.0, fitted.rate))
    projected = forecast(rows, baseline, stricter, MONDAY, WEEK, ReviewRates(10.0, 1.0, observed.rate))

    assert without.totals()["exemption_requests"] == 0
    # The newly caught: the two passing sample vehicles' share of the caught traffic, times the observed 20 %.
    newly = projected.totals()["candidates"] * (2 * 0.9 / 8) / (0.1 + 2 * 0.9 / 8)
    assert projected.totals()["exemption_requests"] == pytest.approx(newly * 0.2, abs=0.2)
