"""Judging with plans (a regime prepared once: `domain/plan.py`, its criteria compiled: `domain/checks.py`)
decides exactly what the definitions decide: the whole decision against the judge written on them
(`reference_judge`), each compiled criteria set against `VehicleCriteria`, each plan against `Regime`."""

from datetime import date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from anpr_contracts import PlateRecognized
from anpr_rules.domain.checks import Checks
from anpr_rules.domain.criteria import VehicleCriteria
from anpr_rules.domain.decision import Outcome, judge
from anpr_rules.domain.plan import plan_of
from anpr_rules.domain.regime import Regime
from anpr_rules.domain.seen import Moment, Seen
from anpr_rules.domain.vehicle import Vehicle
from anpr_rules.domain.windows import TimeWindow
from anpr_rules.handlers import decide

from .fakes import CET, FakeVehicles, a_read, a_regime, a_vehicle, permit_index
from .reference_judge import reference_judge
from .test_evaluator_properties import (
    PLATE_KEY,
    REGIMES,
    maybe_vehicles,
    moments,
    permits_around,
    reads,
    vehicles,
)

PROPERTY = settings(max_examples=300, deadline=None)
# The shipped regimes, and the same with weekly windows (the plan checks them on the local time worked
# out once per read) and with mode switches and rule sets listed out of order.
WINDOWED = [
    r.model_copy(
        update={
            "id": f"{r.id}-windowed",
            "windows": (
                TimeWindow.model_validate({"days": ["mon", "tue", "sat"], "from": "07:00", "until": "19:30"}),
                TimeWindow.model_validate({"days": ["fri"], "from": "22:00", "until": "02:00"}),
            ),
            "modes": tuple(reversed(r.modes)),
            "rule_sets": tuple(reversed(r.rule_sets)),
        }
    )
    for r in REGIMES
]
ALL = [*REGIMES, *WINDOWED]


@PROPERTY
@given(st.data(), reads(), maybe_vehicles, st.booleans())
def test_decide_with_plans_gives_the_decisions_of_the_judge_written_on_the_definitions(
    data: st.DataObject, read: PlateRecognized, vehicle: Vehicle | None, corrected: bool
) -> None:
    changes = data.draw(permits_around(read.observed_at))
    permits = permit_index(*changes)
    registry = FakeVehicles([vehicle] if vehicle else [])

    decisions = decide(read, ALL, registry, permits, PLATE_KEY, corrected=corrected)

    looked_up = vehicle if read.country in (None, "NL") else None
    expected = [
        reference_judge(
            read,
            regime,
            looked_up,
            permits.permits_of(PLATE_KEY),
            read.observed_at + regime.recheck_after if corrected and regime.recheck_after else None,
        )
        for regime in ALL
        if regime.in_force(read.observed_at, read.location_id, read.zone_id)
    ]
    assert decisions == expected


@st.composite
def criteria(draw: st.DrawFn) -> VehicleCriteria:
    def some(values: list[str]) -> tuple[str, ...]:
        return tuple(draw(st.lists(st.sampled_from(values), max_size=2, unique=True)))

    low = draw(st.none() | st.integers(0, 6))
    return VehicleCriteria(
        categories=some(["M1", "N1", "N2", "N3", "M3"]),
        kinds=some(["Personenauto", "Bedrijfsauto", "Bus"]),
        not_kinds=some(["bedrijfsauto", "Bromfiets", "BUS"]),
        motor_vehicle=draw(st.none() | st.booleans()),
        fuels_any=some(["Diesel", "benzine", "LPG", "Elektriciteit"]),
        zero_emission=draw(st.none() | st.booleans()),
        min_emission_class=low,
        max_emission_class=draw(st.none() | st.integers(low or 0, 6)),
        first_admission_from=draw(st.none() | st.dates(date(1990, 1, 1), date(2030, 1, 1))),
        first_admission_before=draw(st.none() | st.dates(date(1990, 1, 1), date(2030, 1, 1))),
        min_mass_kg=draw(st.none() | st.integers(0, 12_000)),
        max_mass_kg=draw(st.none() | st.integers(0, 44_000)),
        inrichting_any=some(["Opleggertrekker", "gesloten opbouw"]),
        not_inrichting=some(["opleggertrekker", "kipper"]),
        until=draw(st.none() | moments),
    )


@PROPERTY
@given(criteria(), vehicles(), moments)
def test_compiled_criteria_miss_and_lack_what_the_criteria_do(
    given_criteria: VehicleCriteria, vehicle: Vehicle, moment: datetime
) -> None:
    checks, seen, ts = Checks(given_criteria), Seen(vehicle), moment.timestamp()

    matches, why_not = given_criteria.matches(vehicle, moment)

    assert checks.miss(seen, ts) == (None if matches else why_not)
    assert checks.undecided(seen, ts) == given_criteria.undecided(vehicle, moment)


@PROPERTY
@given(st.sampled_from(ALL), reads())
def test_a_plan_is_in_force_in_the_mode_and_with_the_rule_set_of_its_regime(
    regime: Regime, read: PlateRecognized
) -> None:
    plan, moment = plan_of(regime), Moment(read)

    rule_set = plan.in_force(moment)

    in_force = regime.in_force(read.observed_at, read.location_id, read.zone_id)
    assert (rule_set is not None) == in_force
    if in_force:
        assert rule_set is not None
        assert rule_set.rule_set == regime.rule_set_at(read.observed_at)
    assert plan.mode_at(moment.ts) == regime.mode_at(read.observed_at)


def test_a_copied_regime_is_judged_by_its_own_plan_not_by_the_plan_of_the_regime_it_was_copied_from() -> None:
    """Plans are found by identity: a copy with other mode switches (model_copy keeps every cached
    attribute of the original) must not be judged in the original's mode."""
    regime = a_regime()
    read = a_read(observed_at=datetime(2026, 2, 3, 9, 0, tzinfo=CET))
    assert judge(read, regime, a_vehicle(), []).outcome is Outcome.CANDIDATE  # enforce since 2026: plan made

    copy = regime.model_copy(update={"modes": (regime.modes[0],)})  # observe only

    assert judge(read, copy, a_vehicle(), []).outcome is Outcome.OBSERVED
    assert judge(read, regime, a_vehicle(), []).outcome is Outcome.CANDIDATE


def test_of_two_mode_switches_at_the_same_moment_the_one_listed_last_counts_as_before() -> None:
    starts = "2025-07-01T00:00:00+02:00"
    regime = a_regime(
        modes=[
            {"starts": "2025-01-01T00:00:00+01:00", "mode": "observe"},
            {"starts": starts, "mode": "enforce"},
            {"starts": "2025-06-30T22:00:00+00:00", "mode": "warn"},  # the same moment in UTC
        ]
    )
    moment = datetime(2025, 7, 1, tzinfo=CET) + timedelta(hours=3)

    assert plan_of(regime).mode_at(moment.timestamp()) == regime.mode_at(moment) == "warn"
