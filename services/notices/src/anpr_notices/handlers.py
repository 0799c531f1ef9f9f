"""Notices use cases: store candidates idempotently, record reviewer decisions, audit every look."""

from datetime import datetime
from typing import Any
from uuid import UUID

from prometheus_client import Counter

from anpr_contracts import CandidateRaised
from anpr_notices.adapters.repository import CandidateRepository
from anpr_notices.domain.model import RejectReason, Status, decide
from anpr_runtime import NotFound, PermanentError

STORED = Counter("anpr_notices_candidates_total", "Candidates received", ["regime", "outcome"])


async def store_candidate(candidate: CandidateRaised, repo: CandidateRepository, now: datetime) -> bool:
    fresh = await repo.store(candidate, now)
    STORED.labels(candidate.regime_id, "stored" if fresh else "duplicate").inc()
    return fresh


async def record_decision(
    candidate_id: UUID,
    decision: str,
    reason: RejectReason | None,
    reason_text: str | None,
    corrected_plate: str | None,
    actor: str,
    now: datetime,
    repo: CandidateRepository,
) -> dict[str, Any]:
    candidate = await repo.get(candidate_id)
    if candidate is None:
        raise NotFound(f"no candidate {candidate_id}")
    if decision == "reject" and reason is None:
        raise PermanentError("a rejection needs a reason")
    if reason is RejectReason.OTHER and not reason_text:
        raise PermanentError("reason 'other' needs a text")
    status = decide(Status(candidate["status"]), decision)
    values = {
        "status": status,
        "decided_by": actor,
        "decided_at": now,
        "reason": reason,
        "reason_text": reason_text,
        "corrected_plate": corrected_plate,
    }
    await repo.set_decision(candidate_id, values)
    await repo.audit(now, actor, f"decide:{decision}", str(candidate_id), "review")
    return {**candidate, **values}
