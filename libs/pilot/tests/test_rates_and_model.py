"""Rates per camera-day, and the forecast's model path (hours and places the baseline never judged)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from anpr_pilot.forecast import ReviewRates, forecast
from anpr_pilot.rates import Stood, learn_rates
from anpr_pilot.traffic_model import EXEMPT, NO_HIT, VIOLATING_STRATUM, HourCount

MONDAY = datetime(2026, 11, 2, tzinfo=UTC)
WEEK = MONDAY + timedelta(days=7)


def hourly(location: str, outcome: str, count: int, hours: range, regime: str = "mz") -> list[HourCount]:
    return [HourCount(regime, location, MONDAY + timedelta(hours=h), outcome, count) for h in hours]


def test_a_rate_is_per_day_a_camera_stood_there_and_a_read_two_regimes_judged_counts_once() -> None:
    # The camera stood at loc-a two days (Mon, Tue): 48 hours of one candidate each, seen by two regimes.
    rows = hourly("loc-a", "candidate", 1, range(48)) + hourly("loc-a", "candidate", 1, range(48), regime="ze")
    rows += hourly("loc-a", "no_hit", 9, range(48)) + hourly("loc-a", "duplicate", 5, range(48))
    stood = [Stood("loc-a", MONDAY, MONDAY + timedelta(days=2))]

    [a, never] = learn_rates(rows, stood, ["loc-a", "loc-never"], MONDAY, WEEK)

    assert a.violations_per_day[0] == pytest.approx(24)  # Monday: 24 detections in one camera-day, duplicates left out
    assert a.violations_per_day[5] == pytest.approx(24)  # no camera on Saturday: the location's mean stands in
    assert a.reads_per_day == pytest.approx(15 * 48 / 2)  # each read once, though two regimes counted it
    assert a.camera_days_measured == pytest.approx(2)
    assert never.violations_per_day == a.violations_per_day  # never watched: the prior is the others' mean
    assert never.camera_days_measured == 0


@dataclass
class View:
    """A regime whose verdicts are given: ten sample vehicles, `violating` of them break it."""

    regime_id: str
    places: tuple[str, ...]
    violating: int
    reviews_unknown: bool = True

    def in_force(self, moment: datetime, location_id: str) -> bool:
        return location_id in self.places

    def mode_at(self, moment: datetime) -> str | None:
        return "warn"

    def strata(self, day: date) -> Sequence[str]:
        return [VIOLATING_STRATUM] * self.violating + [NO_HIT] * (9 - self.violating) + [EXEMPT]


def test_a_new_location_sees_the_traffic_of_the_one_it_is_like() -> None:
    rows = hourly("loc-a", "candidate", 2, range(168)) + hourly("loc-a", "no_hit", 18, range(168))
    baseline = View("mz", ("loc-a",), violating=1)
    more_places = View("mz", ("loc-a", "loc-new"), violating=1)

    result = forecast(rows, baseline, more_places, MONDAY, WEEK, ReviewRates(10.0), {"loc-new": "loc-a"})

    totals = result.totals()
    assert totals["candidates"] == 2 * 2 * 168  # loc-a replayed as counted, loc-new modelled on it
    assert totals["reviewer_hours"] == round(2 * 2 * 168 / 10.0, 1)
    assert totals["warning_letters"] == totals["candidates"]
    assert result.unobserved_hours == 0  # loc-new replays loc-a's counted hours


def test_a_stricter_regime_scales_the_counted_violations_by_the_fitted_mix() -> None:
    rows = hourly("loc-a", "candidate", 2, range(168)) + hourly("loc-a", "no_hit", 18, range(168))
    result = forecast(rows, View("mz", ("loc-a",), 1), View("mz", ("loc-a",), 3), MONDAY, WEEK, ReviewRates(10.0))

    # Counted: 10 % violate, 90 % pass, nothing exempt. In the sample the one violator carries the 10 %, the
    # eight passing vehicles 90 % between them; the proposed regime catches the violator and two of those.
    ratio = (0.1 + 2 * 0.9 / 8) / 0.1
    assert result.totals()["candidates"] == pytest.approx(2 * 168 * ratio, abs=0.1)
    assert result.totals()["exemption_requests"] == 0  # no permits counted: nobody is expected to ask
