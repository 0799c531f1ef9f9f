from datetime import date, datetime, timedelta, timezone

import pytest

from anpr_contracts import PlateRecognized, ReadSource, RegimeMode
from anpr_rules.domain.decision import Outcome, judge

from .fakes import a_regime, a_vehicle

CET = timezone(timedelta(hours=1))
ENFORCING = datetime(2026, 2, 3, 9, 30, tzinfo=CET)
WARNING = datetime(2025, 9, 1, 9, 30, tzinfo=CET)
OBSERVING = datetime(2025, 3, 1, 9, 30, tzinfo=CET)


def a_read(observed_at: datetime = ENFORCING) -> PlateRecognized:
    return PlateRecognized(
        source=ReadSource.CAMERA, location_id="loc-a", observed_at=observed_at, plate="63HKHD", confidence=0.95
    )


def test_old_diesel_car_is_a_hit_with_its_reasons() -> None:
    decision = judge(a_read(), a_regime(), a_vehicle(), exempt=False)

    assert decision.outcome is Outcome.HIT
    assert decision.mode is RegimeMode.ENFORCE
    assert decision.explanation == (
        "fuel Diesel is in scope of Test milieuzone",
        "category M1 is in scope",
        "emission class 3 is below the required 4",
    )


def test_hit_with_a_derived_class() -> None:
    vehicle = a_vehicle(registered_emission_class=None, first_admission=date(2003, 5, 14), empty_mass_kg=1310)

    decision = judge(a_read(), a_regime(), vehicle, exempt=False)

    assert decision.outcome is Outcome.HIT
    assert "emission class 3 is below the required 4" in decision.explanation


def test_petrol_car_is_no_hit() -> None:
    decision = judge(a_read(), a_regime(), a_vehicle(fuels=("Benzine",)), exempt=False)

    assert decision.outcome is Outcome.NO_HIT
    assert decision.explanation == ("fuel not in scope",)


def test_electric_car_without_fuel_rows_is_no_hit() -> None:
    assert judge(a_read(), a_regime(), a_vehicle(fuels=()), exempt=False).outcome is Outcome.NO_HIT


@pytest.mark.parametrize("fuels", [("Elektriciteit", "Diesel"), ("DIESEL",), ("diesel",)])
def test_any_fuel_row_matching_case_insensitively_puts_it_in_scope(fuels: tuple[str, ...]) -> None:
    assert judge(a_read(), a_regime(), a_vehicle(fuels=fuels), exempt=False).outcome is Outcome.HIT


@pytest.mark.parametrize("category", ["N2", "L3", None])
def test_category_out_of_scope_is_no_hit(category: str | None) -> None:
    decision = judge(a_read(), a_regime(), a_vehicle(category=category), exempt=False)

    assert decision.outcome is Outcome.NO_HIT
    assert decision.explanation == ("vehicle category not in scope",)


@pytest.mark.parametrize("klass", [4, 5, 6])
def test_admitted_class_is_no_hit(klass: int) -> None:
    decision = judge(a_read(), a_regime(), a_vehicle(registered_emission_class=klass), exempt=False)

    assert decision.outcome is Outcome.NO_HIT
    assert decision.explanation == ("emission class admitted",)


def test_exempt_vehicle_is_exempt_not_a_hit() -> None:
    decision = judge(a_read(), a_regime(), a_vehicle(), exempt=True)

    assert decision.outcome is Outcome.EXEMPT
    assert decision.explanation[-1] == "a valid exemption applies"


def test_exemption_does_not_matter_for_an_admitted_vehicle() -> None:
    decision = judge(a_read(), a_regime(), a_vehicle(registered_emission_class=6), exempt=True)

    assert decision.outcome is Outcome.NO_HIT


def test_unknown_vehicle() -> None:
    decision = judge(a_read(), a_regime(), None, exempt=False)

    assert decision.outcome is Outcome.UNKNOWN_VEHICLE
    assert decision.mode is RegimeMode.ENFORCE


def test_underivable_emission_class_is_unknown_not_a_hit() -> None:
    heavy = a_vehicle(registered_emission_class=None, category="N1", empty_mass_kg=3000)

    decision = judge(a_read(), a_regime(), heavy, exempt=False)

    assert decision.outcome is Outcome.UNKNOWN_VEHICLE
    assert decision.explanation == ("emission class unknown",)


def test_observe_mode_records_observed_instead_of_a_hit() -> None:
    decision = judge(a_read(OBSERVING), a_regime(), a_vehicle(), exempt=False)

    assert decision.outcome is Outcome.OBSERVED
    assert decision.mode is RegimeMode.OBSERVE


def test_warn_mode_is_a_hit_in_warn_mode() -> None:
    decision = judge(a_read(WARNING), a_regime(), a_vehicle(), exempt=False)

    assert decision.outcome is Outcome.HIT
    assert decision.mode is RegimeMode.WARN


def test_read_before_the_first_mode_switch_is_only_observed() -> None:
    regime = a_regime(modes=[{"starts": "2027-01-01T00:00:00+01:00", "mode": "enforce"}])

    decision = judge(a_read(), regime, a_vehicle(), exempt=False)

    assert decision.outcome is Outcome.OBSERVED
    assert decision.mode is None
