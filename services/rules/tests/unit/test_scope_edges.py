"""Two scope edges: a mass-scoped regime and a truck whose mass the registry lacks (review, never out of
scope), and a closed road for motor vehicles, which mopeds and trailers are not (RVV 1990 art. 1)."""

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from anpr_rules.domain.decision import Outcome, judge
from anpr_rules.domain.regime import Regime

from .fakes import CET, a_read, a_regime, a_vehicle

ENFORCING = datetime(2026, 2, 3, 9, 30, tzinfo=CET)
C7_FILE = Path(__file__).parents[4] / "deploy" / "regimes" / "closed-road-c7.yaml"


def closed_road(scope: dict[str, Any], admitted: list[dict[str, Any]] | None = None) -> Regime:
    rule_set = {"starts": "2025-01-01T00:00:00+01:00", "scope": scope, "admitted": admitted or []}
    return a_regime(kind="closed_road", rule_sets=[rule_set], exemption_kinds=["works"], automatic_exemptions=[])


def truck(**overrides: Any) -> Any:
    facts: dict[str, Any] = {
        "kind": "Bedrijfsauto",
        "category": "N3",
        "max_mass_kg": 18000,
        "fuels": ("Diesel",),
        "registered_emission_class": 6,
        "first_admission": date(2019, 4, 1),
    }
    return a_vehicle(**facts | overrides)


C7_SCOPE = {"categories": ["N2", "N3"], "min_mass_kg": 3501}


def test_a_truck_of_unknown_mass_goes_to_review_with_the_reason() -> None:
    decision = judge(a_read(observed_at=ENFORCING), closed_road(C7_SCOPE), truck(max_mass_kg=None), [])

    assert decision.outcome is Outcome.NOT_ENFORCEABLE
    assert decision.explanation[-1] == "mass unknown: review only"
    assert "perhaps in scope, mass unknown" in decision.explanation[1]


def test_the_c7_regime_file_sends_an_unknown_mass_to_review() -> None:
    regime = Regime.model_validate(yaml.safe_load(C7_FILE.read_text()))
    read = a_read(observed_at=datetime(2026, 7, 1, 9, tzinfo=CET), location_id="loc-polderweg-oost")

    assert judge(read, regime, truck(max_mass_kg=None), []).outcome is Outcome.NOT_ENFORCEABLE
    assert judge(read, regime, truck(), []).outcome is Outcome.CANDIDATE
    assert judge(read, regime, truck(max_mass_kg=3500), []).outcome is Outcome.NO_HIT


def test_an_unknown_mass_does_not_matter_when_another_criterion_already_excludes() -> None:
    van = truck(category="M1", max_mass_kg=None)

    decision = judge(a_read(observed_at=ENFORCING), closed_road(C7_SCOPE), van, [])

    assert decision.outcome is Outcome.NO_HIT
    assert decision.explanation[-1] == "not in scope: category M1"


def test_an_unknown_mass_with_an_admission_that_matches_is_no_hit() -> None:
    regime = closed_road(C7_SCOPE, admitted=[{"zero_emission": True}])

    decision = judge(a_read(observed_at=ENFORCING), regime, truck(max_mass_kg=None, fuels=("Elektriciteit",)), [])

    assert decision.outcome is Outcome.NO_HIT
    assert decision.explanation[-1] == "admitted by clause 1"


def test_an_unknown_emission_class_in_the_scope_also_goes_to_review() -> None:
    regime = closed_road({"categories": ["N3"], "max_emission_class": 5})
    unknown_class = truck(registered_emission_class=None, first_admission=None)

    decision = judge(a_read(observed_at=ENFORCING), regime, unknown_class, [])

    assert decision.outcome is Outcome.NOT_ENFORCEABLE
    assert decision.explanation[-1] == "emission class unknown: review only"


MOTOR_VEHICLES = {"motor_vehicle": True}


@pytest.mark.parametrize("kind", ["Personenauto", "Bedrijfsauto", "Motorfiets", "Bus", "Driewielig motorrijtuig"])
def test_a_road_closed_to_motor_vehicles_covers_every_motorised_kind(kind: str) -> None:
    decision = judge(a_read(observed_at=ENFORCING), closed_road(MOTOR_VEHICLES), truck(kind=kind), [])

    assert decision.outcome is Outcome.CANDIDATE


@pytest.mark.parametrize("kind", ["Bromfiets", "bromfiets", "Aanhangwagen", "Oplegger"])
def test_a_moped_or_a_trailer_is_no_motor_vehicle(kind: str) -> None:
    decision = judge(a_read(observed_at=ENFORCING), closed_road(MOTOR_VEHICLES), truck(kind=kind), [])

    assert decision.outcome is Outcome.NO_HIT
    assert decision.explanation[-1] == f"not in scope: {kind} is not a motor vehicle (RVV 1990 art. 1)"


def test_a_kind_can_be_excluded_without_listing_the_others() -> None:
    regime = closed_road({"not_kinds": ["Motorfiets"]})
    read = a_read(observed_at=ENFORCING)

    assert judge(read, regime, truck(kind="Motorfiets"), []).outcome is Outcome.NO_HIT
    assert judge(read, regime, truck(kind="Personenauto"), []).outcome is Outcome.CANDIDATE


def test_a_regime_file_can_say_motor_vehicles() -> None:
    document = yaml.safe_load(C7_FILE.read_text())
    document["rule_sets"][0]["scope"] = {"motor_vehicle": True}

    regime = Regime.model_validate(document)

    assert regime.rule_sets[0].scope.motor_vehicle is True
