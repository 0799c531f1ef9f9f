"""Judging one read against one regime in force. Pure: vehicle facts and permits come in as values.

Order: foreign or unknown vehicles (review or ignore, per regime) -> scope of the rule set in force ->
admitted clauses -> automatic exemptions -> permits -> candidate (observed only, in observe mode)."""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from anpr_contracts import PlateRecognized, RegimeMode
from anpr_rules.domain.automatic import automatic_exemption
from anpr_rules.domain.emission import emission_class
from anpr_rules.domain.exemption import Permit
from anpr_rules.domain.regime import Regime, RuleSet
from anpr_rules.domain.vehicle import Vehicle


class Outcome(StrEnum):
    NO_HIT = "no_hit"
    CANDIDATE = "candidate"
    NOT_ENFORCEABLE = "not_enforceable"  # review only, never an automatic notice
    EXEMPT = "exempt"
    OBSERVED = "observed"  # a candidate or not-enforceable one while the regime only observes
    DUPLICATE = "duplicate"  # this vehicle already has a candidate for this regime in this period
    PENDING_RECHECK = "pending_recheck"  # parking: judged again after the grace period


PUBLISHED = frozenset({Outcome.CANDIDATE, Outcome.NOT_ENFORCEABLE})


@dataclass(frozen=True)
class Decision:
    regime: Regime
    outcome: Outcome
    mode: RegimeMode | None
    explanation: tuple[str, ...]
    permit: Permit | None = None
    exemptions_checked: tuple[str, ...] = ()

    def but(self, outcome: Outcome, *more: str) -> "Decision":
        return Decision(
            self.regime, outcome, self.mode, (*self.explanation, *more), self.permit, self.exemptions_checked
        )


def judge(read: PlateRecognized, regime: Regime, vehicle: Vehicle | None, permits: Sequence[Permit]) -> Decision:
    mode = regime.mode_at(read.observed_at)
    rule_set = regime.rule_set_at(read.observed_at)
    assert rule_set is not None, "judge only regimes in force"
    where = f"{regime.name} ({regime.id} v{regime.version}) at {read.location_id}"
    foreign = read.country is not None and read.country != "NL"
    needs_data = rule_set.scope.needs_vehicle_data or bool(rule_set.admitted)

    if foreign and regime.foreign_plates == "ignore":
        return Decision(regime, Outcome.NO_HIT, mode, (where, f"foreign plate ({read.country}) not enforced here"))
    if vehicle is None and needs_data:
        if foreign and regime.foreign_plates == "review":
            reason = f"foreign plate ({read.country}): no vehicle data, review only"
            return _observed_or(Decision(regime, Outcome.NOT_ENFORCEABLE, mode, (where, reason)))
        if regime.unknown_vehicle == "ignore":
            return Decision(regime, Outcome.NO_HIT, mode, (where, "plate not in the vehicle registry: ignored"))
        reason = "plate not in the vehicle registry: review only"
        return _observed_or(Decision(regime, Outcome.NOT_ENFORCEABLE, mode, (where, reason)))

    reasons = [where]
    if vehicle is not None:
        verdict = _scope_and_admission(rule_set, vehicle, read, regime, mode, reasons)
        if verdict is not None:
            return verdict
        automatic = automatic_exemption(vehicle, read.observed_at, regime.automatic_exemptions)
        if automatic is not None:
            return Decision(regime, Outcome.EXEMPT, mode, (*reasons, f"automatic exemption: {automatic}"))
    else:
        reasons.append("regime applies to every vehicle")

    checked = regime.exemption_kinds
    for permit in permits:
        if permit.kind in checked and permit.covers(regime.id, read.zone_id, read.observed_at):
            return Decision(regime, Outcome.EXEMPT, mode, (*reasons, f"valid {permit.kind} permit"), permit, checked)
    reasons.append(f"no valid permit ({', '.join(checked) or 'none admitted'}) checked")
    if foreign and regime.foreign_plates == "review":
        reasons.append(f"foreign plate ({read.country}): review only")
        return _observed_or(Decision(regime, Outcome.NOT_ENFORCEABLE, mode, tuple(reasons), None, checked))
    return _observed_or(Decision(regime, Outcome.CANDIDATE, mode, tuple(reasons), None, checked))


def _scope_and_admission(
    rule_set: RuleSet,
    vehicle: Vehicle,
    read: PlateRecognized,
    regime: Regime,
    mode: RegimeMode | None,
    reasons: list[str],
) -> Decision | None:
    in_scope, why_not = rule_set.scope.matches(vehicle, read.observed_at)
    if not in_scope:
        return Decision(regime, Outcome.NO_HIT, mode, (*reasons, f"not in scope: {why_not}"))
    reasons.append(f"in scope (rules from {rule_set.starts.date()}): {_facts(vehicle)}")
    for number, clause in enumerate(rule_set.admitted, start=1):
        admitted, _ = clause.matches(vehicle, read.observed_at)
        if admitted:
            return Decision(regime, Outcome.NO_HIT, mode, (*reasons, f"admitted by clause {number}"))
    if rule_set.admitted:
        reasons.append("no admission clause matches")
    return None


def _facts(vehicle: Vehicle) -> str:
    klass = emission_class(vehicle)
    return (
        f"{vehicle.kind} {vehicle.category or '?'}, {'/'.join(vehicle.fuels) or 'fuel unknown'}, "
        f"emission class {klass if klass is not None else 'unknown'}, first admission {vehicle.first_admission}"
    )


def _observed_or(decision: Decision) -> Decision:
    if decision.mode is None or decision.mode is RegimeMode.OBSERVE:
        return decision.but(Outcome.OBSERVED, "regime observes only: counted, nothing kept")
    return decision
