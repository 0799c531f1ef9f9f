"""A reviewer corrected a misread plate in notices: judge the corrected read again and answer.

Only the regime of the corrected candidate is judged: other regimes' candidates of the same read are
corrected on their own, so one correction never raises a candidate that replaces the wrong one. The
answer (`ReadReevaluated`, no plate) follows any candidate on the same partition, so notices sees the
replacing candidate first and can close the old one when nothing replaces it."""

from dataclasses import replace
from datetime import datetime

from anpr_contracts import CANDIDATES, ReadReevaluated, ReevaluateRead
from anpr_rules.handlers.evaluate import evaluate_read
from anpr_rules.handlers.ports import Judging
from anpr_runtime.pseudonym import vehicle_key


async def reevaluate_read(command: ReevaluateRead, judging: Judging, now: datetime) -> dict[str, str]:
    scope = replace(judging, regimes=[regime for regime in judging.regimes if regime.id == command.regime_id])
    decisions = await evaluate_read(command.read, scope, now, replaces=command.candidate_key)
    outcomes = {decision.regime.id: str(decision.outcome) for decision in decisions}
    answer = ReadReevaluated(
        candidate_key=command.candidate_key, outcomes=outcomes, correlation_id=command.correlation_id
    )
    await judging.publisher.publish(CANDIDATES.name, vehicle_key(command.read.plate, judging.key), answer)
    return outcomes
