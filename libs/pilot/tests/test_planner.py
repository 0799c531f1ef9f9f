"""The rotation planner keeps every constraint (property-based) and beats round robin on a seeded scenario."""

import random
from dataclasses import replace
from datetime import date, timedelta

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from anpr_pilot.planner import plan_rotation
from anpr_pilot.round_robin import round_robin
from anpr_pilot.scenario import Constraints, LocationRates, Scenario, Schedule, check_schedule

MONDAY = date(2026, 12, 7)


def seeded_scenario(seed: int = 8) -> Scenario:
    """Eight consenting locations whose rates differ ten-fold, three rotating cameras, four weeks."""
    rng = random.Random(seed)
    locations = tuple(
        LocationRates(
            f"loc-{n}",
            tuple(round(rng.uniform(0.5, 12.0) * (0.4 if weekday >= 5 else 1.0), 2) for weekday in range(7)),
            reads_per_day=rng.uniform(500, 5000),
            camera_days_measured=14,
        )
        for n in range(8)
    )
    rules = Constraints(
        min_stay_days=3,
        max_stay_days=10,
        max_moves_per_week=3,
        crew_weekdays=frozenset({0, 2, 4}),
        blackout=frozenset({MONDAY + timedelta(days=18)}),
        location_blackout=frozenset({("loc-3", MONDAY + timedelta(days=d)) for d in range(5, 9)}),
    )
    return Scenario(("cam-r1", "cam-r2", "cam-r3"), locations, MONDAY, 28, rules, {"cam-r1": "loc-0"})


def test_the_plan_keeps_every_constraint_and_beats_round_robin_on_the_seeded_scenario() -> None:
    scenario = seeded_scenario()
    baseline = round_robin(scenario)
    plan = plan_rotation(scenario)

    assert check_schedule(baseline, scenario) == []  # a fair comparison: the baseline is a valid plan too
    assert check_schedule(plan.schedule, scenario) == []
    assert plan.expected_detections > 1.2 * baseline.expected_detections(scenario)


def test_a_spread_bonus_covers_more_location_weeks_for_a_few_detections() -> None:
    scenario = seeded_scenario()
    greedy = plan_rotation(scenario)
    spread = plan_rotation(scenario, spread_bonus=15.0, time_limit_s=5)

    def location_weeks(schedule: Schedule) -> int:
        return len(
            {
                (where, day.isocalendar()[:2])
                for spots in schedule.at.values()
                for where, day in zip(spots, schedule.days, strict=True)
                if where is not None
            }
        )

    assert check_schedule(spread.schedule, scenario) == []
    assert location_weeks(spread.schedule) > location_weeks(greedy.schedule)
    assert spread.expected_detections <= greedy.expected_detections


def test_every_location_gets_its_minimum_coverage_when_asked() -> None:
    scenario = seeded_scenario()
    rules = replace(scenario.constraints, min_days_per_location=3, max_days_per_location=12)
    plan = plan_rotation(replace(scenario, constraints=rules))

    assert check_schedule(plan.schedule, replace(scenario, constraints=rules)) == []
    assert all(3 <= plan.schedule.days_at(loc.location_id) <= 12 for loc in scenario.locations)


def test_the_checker_catches_what_it_checks() -> None:
    # The properties below rely on check_schedule: it must see each broken rule for what it is.
    scenario = seeded_scenario()  # crew Monday, Wednesday, Friday; stays 3-10 days; 3 moves a week
    days = tuple(scenario.dates)
    idle: tuple[str | None, ...] = (None,) * 28

    def broken(**at: tuple[str | None, ...]) -> str:
        spots = {"cam-r1": ("loc-0",) * 10 + idle[10:], "cam-r2": idle, "cam-r3": idle} | at
        return " | ".join(check_schedule(Schedule("broken", days, spots), scenario))

    assert broken() == ""
    assert "two cameras at one location" in broken(**{"cam-r2": ("loc-0",) * 3 + idle[3:]})
    assert "max 10" in broken(**{"cam-r1": ("loc-0",) * 11 + idle[11:]})
    assert "no crew that day" in broken(**{"cam-r2": (None, "loc-1", "loc-1", "loc-1", *idle[4:])})
    assert "min 3" in broken(**{"cam-r2": ("loc-1", "loc-1", *idle[2:])})
    two_stays = ("loc-1",) * 3 + (None,) + ("loc-2",) * 3 + idle[7:]  # Monday and Friday installs, twice
    elsewhere = tuple({"loc-1": "loc-4", "loc-2": "loc-5", None: None}[s] for s in two_stays)
    assert broken(**{"cam-r2": two_stays, "cam-r3": elsewhere}).endswith(": 4 moves")
    assert "blacked out" in broken(**{"cam-r2": idle[:4] + ("loc-3",) * 3 + idle[7:]})
    with_coverage = replace(scenario, constraints=replace(scenario.constraints, min_days_per_location=1))
    problems = check_schedule(Schedule("broken", days, {"cam-r1": ("loc-0",) * 10 + idle[10:]}), with_coverage)
    assert "loc-5: covered 0 days, fewer than 1" in problems


def test_another_camera_takes_over_where_the_first_must_leave() -> None:
    # Every day counts and a camera may stand at most 3 days: two cameras hand over and cover all 9 days;
    # one camera must leave for a day after each stay (it may not run on past its maximum).
    every_day = (LocationRates("l0", (1.0,) * 7),)
    rules = Constraints(min_stay_days=1, max_stay_days=3, max_moves_per_week=4, crew_weekdays=frozenset(range(7)))
    two = Scenario(("c0", "c1"), every_day, MONDAY, 9, rules)
    one = replace(two, cameras=("c0",))

    handed_over, alone = plan_rotation(two), plan_rotation(one)

    assert check_schedule(handed_over.schedule, two) == []
    assert check_schedule(alone.schedule, one) == []
    assert (handed_over.status, handed_over.expected_detections) == ("OPTIMAL", 9.0)
    assert (alone.status, alone.expected_detections) == ("OPTIMAL", 7.0)


# Found by hypothesis in `make test` (8 days, so the tolerance was 0.008): the planner forbade a stay right
# after another at the same place, so it could not hand l0 from c0 to c1 on Saturday and got 2.0 against
# round robin's 3.0. The second is the same fault over ISO weeks 50-53 with one move a week.
HANDOVERS = (
    Scenario(
        ("c0", "c1"),
        (LocationRates("l0", (1.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0)),),
        MONDAY,
        8,
        Constraints(min_stay_days=5, max_stay_days=5, max_moves_per_week=2, crew_weekdays=frozenset(range(7))),
    ),
    Scenario(
        ("c0", "c1"),
        (LocationRates("l0", (1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)),),
        MONDAY + timedelta(days=6),
        16,
        Constraints(min_stay_days=7, max_stay_days=7, max_moves_per_week=1, crew_weekdays=frozenset(range(7))),
    ),
)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    n_locations = draw(st.integers(1, 5))
    days = draw(st.integers(3, 21))
    start = MONDAY + timedelta(days=draw(st.integers(0, 6)))
    rates = st.tuples(*[st.floats(0, 20, allow_nan=False).map(lambda v: round(v, 2))] * 7)
    locations = tuple(LocationRates(f"l{n}", draw(rates)) for n in range(n_locations))
    dates = [start + timedelta(days=n) for n in range(days)]
    min_stay = draw(st.integers(1, 4))
    constraints = Constraints(
        min_stay_days=min_stay,
        max_stay_days=draw(st.integers(min_stay, 9)),
        max_moves_per_week=draw(st.integers(0, 4)),
        crew_weekdays=frozenset(draw(st.sets(st.integers(0, 6), min_size=1))),
        blackout=frozenset(draw(st.sets(st.sampled_from(dates), max_size=3))),
        location_blackout=frozenset(
            draw(
                st.sets(
                    st.tuples(st.sampled_from([loc.location_id for loc in locations]), st.sampled_from(dates)),
                    max_size=4,
                )
            )
        ),
    )
    cameras = tuple(f"c{n}" for n in range(draw(st.integers(1, 3))))
    current = {
        c: draw(st.sampled_from([loc.location_id for loc in locations])) for c in cameras[:1] if draw(st.booleans())
    }
    return Scenario(cameras, locations, start, days, constraints, current)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
@example(HANDOVERS[0])
@example(HANDOVERS[1])
def test_every_plan_keeps_every_constraint_and_is_no_worse_than_a_valid_round_robin(scenario: Scenario) -> None:
    plan = plan_rotation(scenario, time_limit_s=10)
    baseline = round_robin(scenario)

    assert check_schedule(plan.schedule, scenario) == []
    assert plan.expected_detections == plan.schedule.expected_detections(scenario)
    if plan.status == "OPTIMAL" and check_schedule(baseline, scenario) == []:
        # Rates are rounded to thousandths inside the solver: allow for that rounding, nothing more.
        tolerance = scenario.days * len(scenario.cameras) * 0.0005
        assert plan.expected_detections >= baseline.expected_detections(scenario) - tolerance
