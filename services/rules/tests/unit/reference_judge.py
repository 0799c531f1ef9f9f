"""The judge as it was before regimes were planned (`domain/plan.py`): written directly on the definitions
(`Regime.mode_at`, `rule_set_at`, `VehicleCriteria.matches` and `undecided`, `emission_class`,
`automatic_exemption`). The oracle the planned judge must agree with, decision for decision."""

from collections.abc import Sequence
from datetime import datetime

from anpr_contracts import PlateRecognized, RegimeMode
from anpr_rules.domain.automatic import automatic_exemption
from anpr_rules.domain.decision import Decision, Outcome, observed_or
from anpr_rules.domain.emission import emission_class
from anpr_rules.domain.exemption import Permit
from anpr_rules.domain.regime import Regime, RuleSet
from anpr_rules.domain.vehicle import Vehicle


def reference_judge(
    read: PlateRecognized,
    regime: Regime,
    vehicle: Vehicle | None,
    permits: Sequence[Permit],
    permits_also_at: datetime | None = None,
) -> Decision:
    """`permits_also_at`: a later moment at which a permit also counts (parking: a right bought during
    the grace period clears the read)."""
    mode = regime.mode_at(read.observed_at)
    rule_set = regime.rule_set_at(read.observed_at)
    assert rule_set is not None, "judge only regimes in force"
    where = f"{regime.name} ({regime.id} v{regime.version}) at {read.location_id}"
    foreign = read.country is not None and read.country != "NL"
    needs_data = rule_set.scope.needs_vehicle_data or bool(rule_set.admitted)
    checked = regime.exemption_kinds
    permit = _valid_permit(regime, read, permits, permits_also_at)

    if foreign and regime.foreign_plates == "ignore":
        return Decision(regime, Outcome.NO_HIT, mode, (where, f"foreign plate ({read.country}) not enforced here"))
    if vehicle is None and needs_data:
        if foreign and regime.foreign_plates != "review":
            return Decision(regime, Outcome.NO_HIT, mode, (where, f"foreign plate ({read.country}): no vehicle data"))
        if not foreign and regime.unknown_vehicle == "ignore":
            return Decision(regime, Outcome.NO_HIT, mode, (where, "plate not in the vehicle registry: ignored"))
        if permit is not None:  # a permit clears it whatever the vehicle is: nothing goes to review
            return Decision(regime, Outcome.EXEMPT, mode, (where, f"valid {permit.kind} permit"), permit, checked)
        reason = f"foreign plate ({read.country}): no vehicle data" if foreign else "plate not in the vehicle registry"
        explanation = (where, f"{reason}, review only" if foreign else f"{reason}: review only")
        return observed_or(Decision(regime, Outcome.NOT_ENFORCEABLE, mode, explanation, None, checked))

    reasons = [where]
    review_only = False
    if vehicle is not None:
        verdict, undecided = _scope_and_admission(rule_set, vehicle, read, regime, mode, reasons)
        if verdict is not None:
            return verdict
        # Scope or admission depends on a fact the registry lacks (mass, emission class): a human has to look.
        if undecided is None and _needs_class(rule_set) and emission_class(vehicle) is None:
            undecided = "emission class unknown"
        review_only = undecided is not None
        automatic = automatic_exemption(vehicle, read.observed_at, regime.automatic_exemptions, regime.wheelchair_codes)
        if automatic is not None:
            return Decision(regime, Outcome.EXEMPT, mode, (*reasons, f"automatic exemption: {automatic}"))
    else:
        reasons.append("regime applies to every vehicle")

    if permit is not None:
        return Decision(regime, Outcome.EXEMPT, mode, (*reasons, f"valid {permit.kind} permit"), permit, checked)
    reasons.append(f"no valid permit ({', '.join(checked) or 'none admitted'}) checked")
    if review_only:
        reasons.append(f"{undecided}: review only")
        return observed_or(Decision(regime, Outcome.NOT_ENFORCEABLE, mode, tuple(reasons), None, checked))
    if foreign and regime.foreign_plates == "review":
        reasons.append(f"foreign plate ({read.country}): review only")
        return observed_or(Decision(regime, Outcome.NOT_ENFORCEABLE, mode, tuple(reasons), None, checked))
    return observed_or(Decision(regime, Outcome.CANDIDATE, mode, tuple(reasons), None, checked))


def _valid_permit(
    regime: Regime, read: PlateRecognized, permits: Sequence[Permit], also_at: datetime | None
) -> Permit | None:
    moments = (read.observed_at,) if also_at is None else (read.observed_at, also_at)
    for permit in permits:
        if permit.kind in regime.exemption_kinds and any(
            permit.covers(regime.id, read.zone_id, moment) for moment in moments
        ):
            return permit
    return None


def _needs_class(rule_set: RuleSet) -> bool:
    return any(c.min_emission_class is not None or c.max_emission_class is not None for c in rule_set.admitted)


def _scope_and_admission(
    rule_set: RuleSet,
    vehicle: Vehicle,
    read: PlateRecognized,
    regime: Regime,
    mode: RegimeMode | None,
    reasons: list[str],
) -> tuple[Decision | None, str | None]:
    """(a final no-hit, else None; what the registry lacks to know the vehicle is in scope, else None)."""
    in_scope, why_not = rule_set.scope.matches(vehicle, read.observed_at)
    undecided = None if in_scope else rule_set.scope.undecided(vehicle, read.observed_at)
    if not in_scope and undecided is None:
        return Decision(regime, Outcome.NO_HIT, mode, (*reasons, f"not in scope: {why_not}")), None
    if undecided is None:
        reasons.append(f"in scope (rules from {rule_set.starts.date()}): {_facts(vehicle)}")
    else:
        reasons.append(f"perhaps in scope, {undecided} (rules from {rule_set.starts.date()}): {_facts(vehicle)}")
    for number, clause in enumerate(rule_set.admitted, start=1):
        admitted, _ = clause.matches(vehicle, read.observed_at)
        if admitted:
            return Decision(regime, Outcome.NO_HIT, mode, (*reasons, f"admitted by clause {number}")), None
    if rule_set.admitted:
        reasons.append("no admission clause matches")
    return None, undecided


def _facts(vehicle: Vehicle) -> str:
    klass = emission_class(vehicle)
    return (
        f"{vehicle.kind} {vehicle.category or '?'}, {'/'.join(vehicle.fuels) or 'fuel unknown'}, "
        f"emission class {klass if klass is not None else 'unknown'}, first admission {vehicle.first_admission}"
    )
