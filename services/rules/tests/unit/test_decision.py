from datetime import date, datetime
from typing import Any

import pytest

from anpr_contracts import PlateRecognized, RegimeMode
from anpr_rules.domain.decision import Outcome, judge
from anpr_rules.domain.exemption import Permit

from .fakes import CEST, CET, a_permit, a_read, a_regime, a_vehicle

ENFORCING = datetime(2026, 2, 3, 9, 30, tzinfo=CET)
WARNING = datetime(2025, 9, 1, 9, 30, tzinfo=CEST)
OBSERVING = datetime(2025, 3, 1, 9, 30, tzinfo=CET)
WHERE = "Test milieuzone (mz-test v7) at loc-a"
EVERY_VEHICLE = [{"starts": "2025-01-01T00:00:00+01:00"}]  # an access regime: no vehicle data needed


def read_at(moment: datetime = ENFORCING, **overrides: Any) -> PlateRecognized:
    return a_read(observed_at=moment, **overrides)


def permit(**overrides: Any) -> Permit:
    return Permit.of(a_permit(**overrides))


def test_old_diesel_car_is_a_candidate_with_its_reasons() -> None:
    decision = judge(read_at(), a_regime(), a_vehicle(), [])

    assert decision.outcome is Outcome.CANDIDATE
    assert decision.mode is RegimeMode.ENFORCE
    assert decision.explanation == (
        WHERE,
        "in scope (rules from 2025-01-01): Personenauto M1, Diesel, emission class 3, first admission 2003-05-14",
        "no admission clause matches",
        "no valid permit (resident, disabled) checked",
    )
    assert decision.exemptions_checked == ("resident", "disabled")
    assert decision.permit is None


def test_candidate_with_a_derived_class() -> None:
    vehicle = a_vehicle(registered_emission_class=None, first_admission=date(2003, 5, 14), empty_mass_kg=1310)

    decision = judge(read_at(), a_regime(), vehicle, [])

    assert decision.outcome is Outcome.CANDIDATE
    assert "emission class 3" in decision.explanation[1]


def test_petrol_car_is_not_in_scope() -> None:
    decision = judge(read_at(), a_regime(), a_vehicle(fuels=("Benzine",)), [])

    assert decision.outcome is Outcome.NO_HIT
    assert decision.explanation == (WHERE, "not in scope: fuel Benzine")


def test_electric_car_without_fuel_rows_is_not_in_scope() -> None:
    decision = judge(read_at(), a_regime(), a_vehicle(fuels=()), [])

    assert decision.outcome is Outcome.NO_HIT
    assert decision.explanation[-1] == "not in scope: fuel unknown"


@pytest.mark.parametrize("fuels", [("Elektriciteit", "Diesel"), ("DIESEL",), ("diesel",)])
def test_any_fuel_row_matching_case_insensitively_puts_it_in_scope(fuels: tuple[str, ...]) -> None:
    assert judge(read_at(), a_regime(), a_vehicle(fuels=fuels), []).outcome is Outcome.CANDIDATE


@pytest.mark.parametrize("category", ["N2", "L3", None])
def test_category_out_of_scope_is_no_hit(category: str | None) -> None:
    decision = judge(read_at(), a_regime(), a_vehicle(category=category), [])

    assert decision.outcome is Outcome.NO_HIT
    assert decision.explanation[-1] == f"not in scope: category {category}"


@pytest.mark.parametrize("klass", [4, 5, 6])
def test_admitted_class_is_no_hit(klass: int) -> None:
    decision = judge(read_at(), a_regime(), a_vehicle(registered_emission_class=klass), [permit()])

    assert decision.outcome is Outcome.NO_HIT
    assert decision.explanation[-1] == "admitted by clause 1"


def test_the_rule_set_in_force_at_the_read_applies() -> None:
    regime = a_regime(
        rule_sets=[
            {
                "starts": "2025-01-01T00:00:00+01:00",
                "scope": {"fuels_any": ["Diesel"]},
                "admitted": [{"min_emission_class": 3}],
            },
            {
                "starts": "2026-01-01T00:00:00+01:00",
                "scope": {"fuels_any": ["Diesel"]},
                "admitted": [{"min_emission_class": 4}],
            },
        ]
    )

    assert judge(read_at(WARNING), regime, a_vehicle(), []).outcome is Outcome.NO_HIT
    assert judge(read_at(ENFORCING), regime, a_vehicle(), []).outcome is Outcome.CANDIDATE


def test_unknown_vehicle_is_review_only() -> None:
    decision = judge(read_at(), a_regime(), None, [])

    assert decision.outcome is Outcome.NOT_ENFORCEABLE
    assert decision.mode is RegimeMode.ENFORCE
    assert decision.explanation == (WHERE, "plate not in the vehicle registry: review only")


def test_unknown_vehicle_may_be_ignored() -> None:
    assert judge(read_at(), a_regime(unknown_vehicle="ignore"), None, []).outcome is Outcome.NO_HIT


def test_foreign_plate_ignored_where_the_regime_says_so() -> None:
    decision = judge(read_at(country="DE"), a_regime(foreign_plates="ignore"), a_vehicle(), [])

    assert decision.outcome is Outcome.NO_HIT
    assert decision.explanation[-1] == "foreign plate (DE) not enforced here"


def test_foreign_plate_without_vehicle_data_is_review_only() -> None:
    decision = judge(read_at(country="DE"), a_regime(), None, [])

    assert decision.outcome is Outcome.NOT_ENFORCEABLE
    assert decision.explanation[-1] == "foreign plate (DE): no vehicle data, review only"


def test_foreign_plate_where_no_vehicle_data_is_needed() -> None:
    reviewed = judge(read_at(country="BE"), a_regime(rule_sets=EVERY_VEHICLE), None, [])
    enforced = judge(read_at(country="BE"), a_regime(rule_sets=EVERY_VEHICLE, foreign_plates="enforce"), None, [])

    assert reviewed.outcome is Outcome.NOT_ENFORCEABLE
    assert reviewed.explanation[-1] == "foreign plate (BE): review only"
    assert enforced.outcome is Outcome.CANDIDATE
    assert "regime applies to every vehicle" in enforced.explanation


def test_foreign_plate_with_a_valid_permit_is_exempt() -> None:
    decision = judge(read_at(country="DE"), a_regime(), None, [permit()])

    assert decision.outcome is Outcome.EXEMPT


def test_unknown_dutch_plate_with_a_valid_permit_is_exempt() -> None:
    assert judge(read_at(), a_regime(), None, [permit()]).outcome is Outcome.EXEMPT


def test_observe_mode_records_observed_instead_of_a_candidate() -> None:
    decision = judge(read_at(OBSERVING), a_regime(), a_vehicle(), [])

    assert decision.outcome is Outcome.OBSERVED
    assert decision.mode is RegimeMode.OBSERVE
    assert decision.explanation[-1] == "regime observes only: counted, nothing kept"


def test_observe_mode_turns_review_items_into_observed_too() -> None:
    assert judge(read_at(OBSERVING), a_regime(), None, []).outcome is Outcome.OBSERVED


def test_warn_mode_is_a_candidate_in_warn_mode() -> None:
    decision = judge(read_at(WARNING), a_regime(), a_vehicle(), [])

    assert decision.outcome is Outcome.CANDIDATE
    assert decision.mode is RegimeMode.WARN


def test_read_before_the_first_mode_switch_is_only_observed() -> None:
    regime = a_regime(modes=[{"starts": "2027-01-01T00:00:00+01:00", "mode": "enforce"}])

    decision = judge(read_at(), regime, a_vehicle(), [])

    assert decision.outcome is Outcome.OBSERVED
    assert decision.mode is None


def test_valid_permit_exempts_and_is_named() -> None:
    resident = permit()

    decision = judge(read_at(), a_regime(), a_vehicle(), [permit(kind="market", exemption_id="ex-0"), resident])

    assert decision.outcome is Outcome.EXEMPT
    assert decision.permit == resident
    assert decision.explanation[-1] == "valid resident permit"


def test_permit_of_a_kind_the_regime_does_not_admit_does_not_exempt() -> None:
    assert judge(read_at(), a_regime(), a_vehicle(), [permit(kind="day-permit")]).outcome is Outcome.CANDIDATE


def test_automatic_exemption_only_where_the_regime_admits_it() -> None:
    old = a_vehicle(first_admission=date(1980, 1, 1))

    exempt = judge(read_at(), a_regime(), old, [])
    not_admitted = judge(read_at(), a_regime(automatic_exemptions=[]), old, [])

    assert exempt.outcome is Outcome.EXEMPT
    assert exempt.explanation[-1] == "automatic exemption: age_40_years"
    assert exempt.permit is None
    assert not_admitted.outcome is Outcome.CANDIDATE
