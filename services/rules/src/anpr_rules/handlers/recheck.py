"""Parking: a read judged again after its grace period, so a right bought within it still clears it."""

from datetime import datetime

from anpr_contracts import CANDIDATES
from anpr_rules.domain.decision import PUBLISHED, Outcome, judge
from anpr_rules.handlers.candidates import candidate, first_in_period, record
from anpr_rules.handlers.evaluate import registered_vehicle
from anpr_rules.handlers.ports import Judging
from anpr_runtime.pseudonym import vehicle_key


async def recheck_due(now: datetime, judging: Judging, limit: int = 100) -> int:
    """Parking: a right bought within the grace period still clears the read."""
    by_id = {r.id: r for r in judging.regimes}
    state = judging.state
    due = await state.due_rechecks(now, limit)
    for recheck_id, regime_id, read in due:
        await state.drop_recheck(recheck_id)
        regime = by_id.get(regime_id)
        if regime is None:
            continue  # regime withdrawn meanwhile: nothing to enforce
        key = vehicle_key(read.plate, judging.key)
        vehicle = registered_vehicle(read, judging.vehicles)
        decision = judge(read, regime, vehicle, judging.permits.permits_of(key), permits_also_at=now)
        if decision.outcome in PUBLISHED and not await first_in_period(decision, read, key, state, now):
            decision = decision.but(Outcome.DUPLICATE, "already a candidate in this period")
        elif decision.outcome in PUBLISHED:
            decision = decision.but(decision.outcome, f"no parking right after the grace of {regime.recheck_after}")
        await record(decision, read, state)
        if decision.outcome in PUBLISHED:
            await judging.publisher.publish(CANDIDATES.name, key, candidate(read, decision, vehicle))
    return len(due)
