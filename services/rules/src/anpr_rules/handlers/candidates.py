"""What evaluating and rechecking share once a decision is made: the hourly count, the once-per-period
mark and the candidate event itself."""

from datetime import datetime
from typing import Any

from prometheus_client import Counter

from anpr_contracts import CandidateRaised, PlateRecognized
from anpr_rules.domain.decision import Decision, Outcome
from anpr_rules.domain.vehicle import Vehicle
from anpr_rules.domain.windows import local_day
from anpr_rules.handlers.ports import RulesState

DECISIONS = Counter("anpr_rules_decisions_total", "Decisions by regime and outcome", ["regime", "outcome"])


async def first_in_period(
    decision: Decision, read: PlateRecognized, key: str, state: RulesState, now: datetime
) -> bool:
    if decision.regime.dedupe_per == "read":
        return True
    return await state.mark_candidate(key, decision.regime.id, local_day(read.observed_at), now)


# The counter's child per (regime, outcome): `labels()` takes a lock and builds its key on every call,
# a visible share of judging a read.
_COUNTED: dict[tuple[str, str], Any] = {}


def hour_of(read: PlateRecognized) -> datetime:
    return read.observed_at.replace(minute=0, second=0, microsecond=0)


async def record(decision: Decision, read: PlateRecognized, state: RulesState, hour: datetime | None = None) -> None:
    """`hour`: `hour_of(read)` when the caller already has it (one read, several decisions)."""
    regime_id, outcome = decision.regime.id, decision.outcome
    counted = _COUNTED.get((regime_id, outcome))
    if counted is None:
        counted = _COUNTED[(regime_id, outcome)] = DECISIONS.labels(regime_id, outcome)
    counted.inc()
    await state.count(regime_id, read.location_id or "", hour or hour_of(read), outcome)


def candidate(
    read: PlateRecognized, decision: Decision, vehicle: Vehicle | None, replaces: str | None = None
) -> CandidateRaised:
    regime = decision.regime
    enforceable = decision.outcome is Outcome.CANDIDATE
    category = vehicle.category if vehicle else None
    # A correction gets its own key, derived from the one it replaces: a redelivered command maps to the
    # same candidate, and a corrected candidate can be corrected again.
    return CandidateRaised(
        candidate_key=f"{replaces}:corrected" if replaces else f"{regime.id}:{read.read_id}",
        read=read,
        regime_id=regime.id,
        regime_version=regime.version,
        mode=decision.mode,
        legal_reference=regime.legal_reference,
        fine_eur=regime.fine_for(category) if enforceable and decision.mode == "enforce" else None,
        explanation=decision.explanation,
        vehicle=vehicle.facts() if vehicle else {},
        enforceable=enforceable,
        exemptions_checked=decision.exemptions_checked,
        correlation_id=read.correlation_id,
        replaces=replaces,
    )
