"""How the what-if forecast was validated: a simulated pilot whose truth is known.

A synthetic fleet (the registry), traffic drawn from it with a mix that differs from the registry (newer
vehicles drive more, some vehicles come back often, a few foreign plates, a few permits), judged by the
real rules handler into hourly counts, exactly as the service counts them. The forecast sees only those
counts and a sample of the registry. Its answers are compared with the counts the real handler produces
when the same traffic meets the proposed regime. Measured (seeded), forecast against actual candidates
and review items over the week: unchanged regime 372 / 372 (the replay path is exact), a stricter emission
class 522 / 536, a weekday time window 256 / 247, a new location modelled on a busy one 524 / 570 (one
candidate per vehicle per DAY across all places: the new place mostly adds repeat visits of violators
already seen, and a window loses some: gamma-Poisson repeat visits; counting each of its violating reads
as a new violator gave 625 for the new place, equal visit rates 509, and 236 for the window).
Tolerances asserted: total within 1 % unchanged, 8 % for the class and the window, 10 % for the new place;
each day with 30 or more within 2 %, 15 % and 20 % (a new place's own day-to-day noise is not in the counts)."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from anpr_pilot.forecast import LOCAL, Forecast, ReviewRates, forecast
from anpr_pilot.traffic_model import HourCount
from anpr_rules.adapters.pilot import RulesRegimeView, sample_vehicles
from anpr_rules.domain.regime import Regime
from anpr_rules.domain.vehicle import Vehicle
from anpr_rules.handlers import Judging, evaluate_read
from anpr_runtime.publisher import FakeEventPublisher

from .fakes import KEY, FakeRulesState, FakeVehicles, a_permit, a_read, a_regime, permit_index

SINCE = datetime(2026, 3, 2, tzinfo=UTC)  # a Monday; a_regime() enforces from 2026
UNTIL = SINCE + timedelta(days=7)
LOCATIONS = ("loc-a", "loc-b", "loc-c")  # loc-c: a place no regime covers yet, as busy as loc-a
RATES = ReviewRates(decisions_per_hour=40.0)


def a_fleet(size: int = 3000, seed: int = 3) -> list[Vehicle]:
    rng = random.Random(seed)
    fleet = []
    for n in range(size):
        year = rng.randint(1983, 2025)
        fuel = rng.choices(["Diesel", "Benzine", "Elektriciteit"], [0.35, 0.5, 0.15])[0]
        klass = min(6, max(1, (year - 1990) // 5 + rng.choice([-1, 0, 0, 1])))
        fleet.append(
            Vehicle(
                plate=f"{n:06d}".translate(str.maketrans("0123456789", "BDFGHJKLNP")),
                kind=rng.choice(["Personenauto", "Personenauto", "Bedrijfsauto"]),
                category=rng.choice(["M1", "M1", "N1"]),
                first_admission=date(year, rng.randint(1, 12), 1),
                max_mass_kg=rng.randint(1200, 3500),
                empty_mass_kg=rng.randint(900, 2000),
                fuels=(fuel,),
                registered_emission_class=None if fuel == "Elektriciteit" else klass,
            )
        )
    return fleet


def traffic(fleet: list[Vehicle], seed: int = 4) -> list[tuple[str, datetime, str, str]]:
    """(location, moment, plate, country): newer vehicles and a core of regulars drive more."""
    rng = random.Random(seed)
    popularity = [
        (3.0 if v.first_admission and v.first_admission.year >= 2012 else 1.0) * (8.0 if i % 17 == 0 else 1.0)
        for i, v in enumerate(fleet)
    ]
    reads = []
    hour = SINCE
    while hour < UNTIL:
        local_hour = (hour.hour + 1) % 24
        for location, busy in zip(LOCATIONS, (30, 14, 30), strict=True):
            volume = busy if 7 <= local_hour <= 19 else busy // 6
            volume = volume // 2 if hour.weekday() >= 5 else volume
            for vehicle in rng.choices(fleet, popularity, k=volume):
                moment = hour + timedelta(seconds=rng.randint(0, 3599))
                foreign = rng.random() < 0.03
                reads.append((location, moment, "DX1234" if foreign else vehicle.plate, "DE" if foreign else "NL"))
        hour += timedelta(hours=1)
    return reads


async def counted(regime: Regime, fleet: list[Vehicle], reads: list[tuple[str, datetime, str, str]]) -> list[HourCount]:
    """What the rules service keeps of the traffic: hourly counts per outcome, judged by the real handler."""
    permits = permit_index(*[a_permit(v.plate, exemption_id=f"ex-{v.plate}") for v in fleet[::23]])
    state = FakeRulesState()
    judging = Judging([regime], FakeVehicles(fleet), permits, state, FakeEventPublisher(), KEY)
    for location, moment, plate, country in reads:
        read = a_read(plate, location_id=location, observed_at=moment, country=country)
        await evaluate_read(read, judging, moment)
    return [HourCount(r, loc, hour, outcome, n) for (r, loc, hour, outcome), n in state.counts.items()]


def raised_per_day(forecast_: Forecast) -> dict[date, float]:
    return {d.day: d.candidates + d.review_items for d in forecast_.days}


def per_day_actual(rows: list[HourCount]) -> dict[date, int]:
    found: dict[date, int] = {}
    for row in rows:
        if row.outcome in ("candidate", "not_enforceable"):
            day = row.hour.astimezone(LOCAL).date()  # a candidate day is a local day, as in rules
            found[day] = found.get(day, 0) + row.count
    return found


@pytest.fixture(scope="module")
def fleet() -> list[Vehicle]:
    return a_fleet()


@pytest.fixture(scope="module")
def reads(fleet: list[Vehicle]) -> list[tuple[str, datetime, str, str]]:
    return traffic(fleet)


STRICTER = a_regime(
    id="mz-test",
    rule_sets=[
        {
            "starts": "2025-01-01T00:00:00+01:00",
            "scope": {"fuels_any": ["Diesel"], "categories": ["M1", "N1"]},
            "admitted": [{"min_emission_class": 5}],
        }
    ],
)
MORE_PLACES = a_regime(applies_at={"locations": ["loc-a", "loc-b", "loc-c"]})
DAYTIME = a_regime(windows=[{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "07:00", "until": "19:00"}])


@pytest.mark.parametrize(
    ("proposed", "total_tolerance", "day_tolerance"),
    [(a_regime(), 0.01, 0.02), (STRICTER, 0.08, 0.15), (DAYTIME, 0.08, 0.15), (MORE_PLACES, 0.10, 0.20)],
    ids=["unchanged", "stricter-class", "weekday-window", "another-location"],
)
async def test_the_forecast_reproduces_what_the_rules_count_for_the_replayed_period(
    fleet: list[Vehicle],
    reads: list[tuple[str, datetime, str, str]],
    proposed: Regime,
    total_tolerance: float,
    day_tolerance: float,
) -> None:
    baseline = a_regime()
    seen = await counted(baseline, fleet, reads)
    truth = per_day_actual(await counted(proposed, fleet, reads))
    sample = sample_vehicles(fleet, 1500)

    like = {"loc-c": "loc-a"}  # the planner's guess for a new place: it will see what loc-a sees
    views = RulesRegimeView(baseline, sample), RulesRegimeView(proposed, sample)
    result = forecast(seen, *views, SINCE, UNTIL, RATES, new_locations=like)

    predicted = raised_per_day(result)
    total_truth, total_predicted = sum(truth.values()), sum(predicted.values())
    assert total_truth > 200  # enough to judge a tolerance by
    assert abs(total_predicted - total_truth) <= total_tolerance * total_truth
    for day, actual in truth.items():
        if actual >= 30:
            assert abs(predicted.get(day, 0.0) - actual) <= day_tolerance * actual, day
