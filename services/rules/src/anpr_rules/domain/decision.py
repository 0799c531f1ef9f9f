"""Judging one read against one regime in force. Pure: vehicle facts and permits come in as values.

Order: foreign or unknown vehicles (review or ignore, per regime) -> scope of the rule set in force ->
admitted clauses -> automatic exemptions -> permits -> candidate (observed only, in observe mode)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from anpr_contracts import PlateRecognized, RegimeMode
from anpr_rules.domain.automatic import automatic_exemption_on
from anpr_rules.domain.exemption import Permit
from anpr_rules.domain.plan import RegimePlan, RuleSetPlan, plan_of
from anpr_rules.domain.regime import Regime
from anpr_rules.domain.seen import Moment, Seen
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


@dataclass(frozen=True, slots=True)
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


def judge(
    read: PlateRecognized,
    regime: Regime,
    vehicle: Vehicle | None,
    permits: Sequence[Permit],
    permits_also_at: datetime | None = None,
) -> Decision:
    """`permits_also_at`: a later moment at which a permit also counts (parking: a right bought during
    the grace period clears the read)."""
    moment = Moment(read)
    plan = plan_of(regime)
    rule_set = plan.rule_set_at(moment.ts)
    assert rule_set is not None, "judge only regimes in force"
    return judge_planned(moment, plan, rule_set, Seen(vehicle) if vehicle else None, permits, permits_also_at)


def judge_planned(
    moment: Moment,
    plan: RegimePlan,
    rule_set: RuleSetPlan,
    seen: Seen | None,
    permits: Sequence[Permit],
    permits_also_at: datetime | None = None,
) -> Decision:
    """`judge` with what is worked out once per regime (`plan`) and once per read (`moment`, `seen`: the
    vehicle's facts, None when it is not registered) at hand: how `decide` judges every regime in force."""
    read, regime = moment.read, plan.regime
    mode = plan.mode_at(moment.ts)
    where = f"{plan.head}{read.location_id}"
    foreign = moment.foreign
    checked = regime.exemption_kinds
    permit = _valid_permit(plan, read, permits, permits_also_at) if permits else None

    if foreign and regime.foreign_plates == "ignore":
        return Decision(regime, Outcome.NO_HIT, mode, (where, f"foreign plate ({read.country}) not enforced here"))
    if seen is None and rule_set.needs_data:
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
    undecided = None
    if seen is not None:
        verdict, undecided = _scope_and_admission(rule_set, seen, moment.ts, regime, mode, reasons)
        if verdict is not None:
            return verdict
        # Scope or admission depends on a fact the registry lacks (mass, emission class): a human has to look.
        if undecided is None and rule_set.needs_class and seen.klass is None:
            undecided = "emission class unknown"
        review_only = undecided is not None
        if plan.automatic:
            automatic = automatic_exemption_on(seen.vehicle, moment.local_date, plan.automatic, plan.wheelchair_codes)
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
    plan: RegimePlan, read: PlateRecognized, permits: Sequence[Permit], also_at: datetime | None
) -> Permit | None:
    moments = (read.observed_at,) if also_at is None else (read.observed_at, also_at)
    kinds, regime_id = plan.exemption_kinds, plan.regime.id
    for permit in permits:
        if permit.kind in kinds and any(permit.covers(regime_id, read.zone_id, moment) for moment in moments):
            return permit
    return None


def _scope_and_admission(
    rule_set: RuleSetPlan,
    seen: Seen,
    ts: float,
    regime: Regime,
    mode: RegimeMode | None,
    reasons: list[str],
) -> tuple[Decision | None, str | None]:
    """(a final no-hit, else None; what the registry lacks to know the vehicle is in scope, else None)."""
    why_not = rule_set.scope.miss(seen, ts)
    undecided = None if why_not is None else rule_set.scope.undecided(seen, ts)
    if why_not is not None and undecided is None:
        return Decision(regime, Outcome.NO_HIT, mode, (*reasons, f"not in scope: {why_not}")), None
    if undecided is None:
        reasons.append(f"in scope (rules from {rule_set.starts_text}): {seen.facts}")
    else:
        reasons.append(f"perhaps in scope, {undecided} (rules from {rule_set.starts_text}): {seen.facts}")
    for number, clause in enumerate(rule_set.admitted, start=1):
        if clause.miss(seen, ts) is None:
            return Decision(regime, Outcome.NO_HIT, mode, (*reasons, f"admitted by clause {number}")), None
    if rule_set.admitted:
        reasons.append("no admission clause matches")
    return None, undecided


def observed_or(decision: Decision) -> Decision:
    if decision.mode is None or decision.mode is RegimeMode.OBSERVE:
        return decision.but(Outcome.OBSERVED, "regime observes only: counted, nothing kept")
    return decision
