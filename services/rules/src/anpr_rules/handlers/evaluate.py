"""Judge a read against every regime in force there and then. Only candidates leave with a plate;
everything else is an hourly count."""

from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from time import perf_counter

from prometheus_client import Histogram

from anpr_contracts import CANDIDATES, Direction, PlateRecognized
from anpr_rules.domain.decision import PUBLISHED, Decision, Outcome, judge_planned, observed_or
from anpr_rules.domain.plan import plans_of
from anpr_rules.domain.regime import Regime
from anpr_rules.domain.seen import Moment, Seen
from anpr_rules.domain.vehicle import Vehicle
from anpr_rules.domain.windows import local_day
from anpr_rules.handlers.candidates import candidate, first_in_period, hour_of, record
from anpr_rules.handlers.ports import Judging, PermitLookup, RulesState, VehicleLookup
from anpr_runtime.pseudonym import vehicle_key

JUDGE_SECONDS = Histogram(
    "anpr_rules_read_seconds", "Time to judge one read against all regimes", buckets=(0.0005, 0.001, 0.005, 0.05, 0.5)
)


def decide(
    read: PlateRecognized,
    regimes: Sequence[Regime],
    vehicles: VehicleLookup,
    permits: PermitLookup,
    key: str,
    corrected: bool = False,
) -> list[Decision]:
    """The pure, in-memory part: every regime in force at the read's place and moment. A corrected read
    is judged long after its grace period, so a right bought within that period counts at once."""
    moment = Moment(read)
    in_force = []
    for plan in plans_of(regimes):
        rule_set = plan.in_force(moment)
        if rule_set is not None:
            in_force.append((plan, rule_set))
    if not in_force:
        return []
    vehicle = registered_vehicle(read, vehicles)
    seen = Seen(vehicle) if vehicle is not None else None
    found = permits.permits_of(key)
    return [
        judge_planned(moment, plan, rule_set, seen, found, _grace_end(read, plan.regime) if corrected else None)
        for plan, rule_set in in_force
    ]


def _grace_end(read: PlateRecognized, regime: Regime) -> datetime | None:
    return read.observed_at + regime.recheck_after if regime.recheck_after is not None else None


def registered_vehicle(read: PlateRecognized, vehicles: VehicleLookup) -> Vehicle | None:
    """Only a Dutch (or unknown-country) read is looked up: a foreign plate may match a Dutch one."""
    return vehicles.get(read.plate) if read.country in (None, "NL") else None


async def evaluate_read(
    read: PlateRecognized, judging: Judging, now: datetime, replaces: str | None = None
) -> list[Decision]:
    """`replaces`: the read is a reviewer's plate correction of that candidate (see `corrections`)."""
    key = keyed_plate(read.plate, judging.key)
    started = perf_counter()  # not `JUDGE_SECONDS.time()`: its context manager costs as much as a decision
    decisions = decide(read, judging.regimes, judging.vehicles, judging.permits, key, corrected=replaces is not None)
    JUDGE_SECONDS.observe(perf_counter() - started)
    state = judging.state
    hour = hour_of(read)
    final = []
    for decision in decisions:
        if decision.outcome in PUBLISHED or decision.regime.max_stay_per_day is not None:
            decision = await _apply_state(decision, read, key, state, now, recheck=replaces is None)
        final.append(decision)
        if replaces is None:  # a corrected read was counted when it was first judged
            await record(decision, read, state, hour)
        if decision.outcome in PUBLISHED:
            vehicle = registered_vehicle(read, judging.vehicles)
            await judging.publisher.publish(CANDIDATES.name, key, candidate(read, decision, vehicle, replaces))
    return final


@lru_cache(maxsize=4096)
def keyed_plate(plate: str, key: str) -> str:
    """`vehicle_key`, remembered for the last few thousand plates: a batch keys each read's plate to read
    its candidate marks and again to judge it, and an HMAC per read is a visible share of judging one."""
    return vehicle_key(plate, key)


async def _apply_state(
    decision: Decision, read: PlateRecognized, key: str, state: RulesState, now: datetime, recheck: bool = True
) -> Decision:
    regime = decision.regime
    if regime.max_stay_per_day is not None and decision.outcome is Outcome.EXEMPT and decision.permit:
        return await _track_stay(decision, read, key, state)
    if decision.outcome not in PUBLISHED:
        return decision
    if regime.recheck_after is not None and recheck:
        await state.schedule_recheck(read, regime.id, read.observed_at + regime.recheck_after)
        return decision.but(Outcome.PENDING_RECHECK, f"judged again after {regime.recheck_after}")
    if not await first_in_period(decision, read, key, state, now):
        return decision.but(Outcome.DUPLICATE, f"already a candidate for this vehicle this {regime.dedupe_per}")
    return decision


async def _track_stay(decision: Decision, read: PlateRecognized, key: str, state: RulesState) -> Decision:
    regime = decision.regime
    assert regime.max_stay_per_day is not None
    day = local_day(read.observed_at)
    if read.direction is Direction.ENTRY:
        await state.record_entry(key, regime.id, day, read.observed_at)
        return decision
    if read.direction is not Direction.EXIT:
        return decision  # a camera that does not know the direction cannot measure a stay
    # A stay counts for the day it began, also when the exit is after midnight.
    stayed, day = await state.record_exit(key, regime.id, read.observed_at)
    if stayed <= regime.max_stay_per_day:
        return decision.but(Outcome.EXEMPT, f"stayed {stayed} of {regime.max_stay_per_day} today")
    over = Decision(
        regime,
        Outcome.CANDIDATE,
        decision.mode,
        (*decision.explanation, f"stayed {stayed} today, more than the {regime.max_stay_per_day} the permit allows"),
        decision.permit,
        decision.exemptions_checked,
    )
    over = observed_or(over)
    if over.outcome not in PUBLISHED:
        return over
    if not await state.mark_candidate(key, regime.id, f"stay:{day}", read.observed_at):
        return over.but(Outcome.DUPLICATE, "already a candidate for this stay today")
    return over
