"""A reviewer corrected a misread plate in notices: judge the corrected read again and answer.

Only the regime of the corrected candidate is judged: other regimes' candidates of the same read are
corrected on their own, so one correction never raises a candidate that replaces the wrong one. The
answer (`ReadReevaluated`, no plate) follows any candidate on the same partition, so notices sees the
replacing candidate first and can close the old one when nothing replaces it."""

from collections.abc import Sequence
from datetime import datetime

from anpr_contracts import CANDIDATES, ReadReevaluated, ReevaluateRead
from anpr_rules.adapters.state import RulesState
from anpr_rules.domain.regime import Regime
from anpr_rules.handlers import PermitLookup, Publisher, VehicleLookup, evaluate_read
from anpr_runtime.pseudonym import vehicle_key


async def reevaluate_read(
    command: ReevaluateRead,
    regimes: Sequence[Regime],
    vehicles: VehicleLookup,
    permits: PermitLookup,
    state: RulesState,
    publisher: Publisher,
    pseudonym_key: str,
    now: datetime,
) -> dict[str, str]:
    scope = [regime for regime in regimes if regime.id == command.regime_id]
    decisions = await evaluate_read(
        command.read, scope, vehicles, permits, state, publisher, pseudonym_key, now, replaces=command.candidate_key
    )
    outcomes = {decision.regime.id: str(decision.outcome) for decision in decisions}
    answer = ReadReevaluated(
        candidate_key=command.candidate_key, outcomes=outcomes, correlation_id=command.correlation_id
    )
    await publisher.publish(CANDIDATES.name, vehicle_key(command.read.plate, pseudonym_key), answer)
    return outcomes
