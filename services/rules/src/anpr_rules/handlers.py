"""Rules use cases: judge a read against every regime in force there, keep the exemption index current."""

from collections.abc import Sequence
from typing import Protocol

from prometheus_client import Counter
from pydantic import BaseModel

from anpr_contracts import CANDIDATES, CandidateRaised, ExemptionChanged, PlateRecognized, RegimeMode
from anpr_rules.adapters.repository import RulesRepository
from anpr_rules.domain.decision import Decision, Outcome, judge
from anpr_rules.domain.regime import Regime
from anpr_rules.domain.vehicle import Vehicle
from anpr_runtime.pseudonym import vehicle_key

DECISIONS = Counter("anpr_rules_decisions_total", "Decisions by regime and outcome", ["regime", "outcome"])


class Publisher(Protocol):
    async def publish(self, topic: str, key: str, event: BaseModel) -> None: ...


async def evaluate_read(
    read: PlateRecognized,
    regimes: Sequence[Regime],
    repo: RulesRepository,
    publisher: Publisher,
    pseudonym_key: str,
) -> list[Decision]:
    """Publish a candidate per hit; everything else leaves only an hourly count without plate."""
    in_force = [r for r in regimes if r.in_force(read.observed_at, read.location_id)]
    if not in_force:
        return []
    key = vehicle_key(read.plate, pseudonym_key)
    vehicle = await repo.vehicle(read.plate) if read.country in (None, "NL") else None
    hour = read.observed_at.replace(minute=0, second=0, microsecond=0)
    decisions = []
    for regime in in_force:
        exempt = await repo.is_exempt(key, regime.id, read.observed_at, regime.exemption_kinds)
        decision = judge(read, regime, vehicle, exempt)
        decisions.append(decision)
        DECISIONS.labels(regime.id, decision.outcome).inc()
        await repo.count(regime.id, read.location_id or "", hour, decision.outcome)
        if decision.outcome is Outcome.HIT:
            assert vehicle is not None
            assert decision.mode is not None
            await publisher.publish(CANDIDATES.name, key, _candidate(read, decision, vehicle, decision.mode))
    return decisions


def _candidate(read: PlateRecognized, decision: Decision, vehicle: Vehicle, mode: RegimeMode) -> CandidateRaised:
    regime = decision.regime
    return CandidateRaised(
        candidate_key=f"{regime.id}:{read.read_id}",
        read=read,
        regime_id=regime.id,
        regime_version=regime.version,
        mode=mode,
        legal_reference=regime.legal_reference,
        fine_eur=regime.fine_eur.get(vehicle.category or "") if mode is RegimeMode.ENFORCE else None,
        explanation=decision.explanation,
        vehicle=vehicle.facts(),
        correlation_id=read.correlation_id,
    )


async def index_exemption(change: ExemptionChanged, repo: RulesRepository) -> None:
    await repo.index_exemption(change)
