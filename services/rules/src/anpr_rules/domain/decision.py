"""Judging one read against one regime. Pure: the vehicle and exemption facts come in as values."""

from dataclasses import dataclass
from enum import StrEnum

from anpr_contracts import PlateRecognized, RegimeMode
from anpr_rules.domain.emission import emission_class
from anpr_rules.domain.regime import Regime
from anpr_rules.domain.vehicle import Vehicle


class Outcome(StrEnum):
    HIT = "hit"
    OBSERVED = "observed"  # would be a hit, but the regime only observes
    NO_HIT = "no_hit"
    EXEMPT = "exempt"
    UNKNOWN_VEHICLE = "unknown_vehicle"


@dataclass(frozen=True)
class Decision:
    regime: Regime
    outcome: Outcome
    mode: RegimeMode | None
    explanation: tuple[str, ...]


def judge(read: PlateRecognized, regime: Regime, vehicle: Vehicle | None, exempt: bool) -> Decision:
    mode = regime.mode_at(read.observed_at)
    if vehicle is None:
        return Decision(regime, Outcome.UNKNOWN_VEHICLE, mode, ("plate not in the vehicle registry",))
    criteria = regime.criteria
    fuels = {f.lower() for f in vehicle.fuels}
    if not fuels & {f.lower() for f in criteria.fuels}:
        return Decision(regime, Outcome.NO_HIT, mode, ("fuel not in scope",))
    if vehicle.category not in criteria.categories:
        return Decision(regime, Outcome.NO_HIT, mode, ("vehicle category not in scope",))
    klass = emission_class(vehicle)
    if klass is None:
        return Decision(regime, Outcome.UNKNOWN_VEHICLE, mode, ("emission class unknown",))
    if klass >= criteria.min_emission_class:
        return Decision(regime, Outcome.NO_HIT, mode, ("emission class admitted",))
    reasons = (
        f"fuel {'/'.join(vehicle.fuels)} is in scope of {regime.name}",
        f"category {vehicle.category} is in scope",
        f"emission class {klass} is below the required {criteria.min_emission_class}",
    )
    if exempt:
        return Decision(regime, Outcome.EXEMPT, mode, (*reasons, "a valid exemption applies"))
    if mode is None or mode is RegimeMode.OBSERVE:
        return Decision(regime, Outcome.OBSERVED, mode, reasons)
    return Decision(regime, Outcome.HIT, mode, reasons)
