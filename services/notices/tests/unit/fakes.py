"""In-memory stand-in for the notices port (same methods as `PostgresCandidateRepository`)."""

from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from anpr_contracts import CandidateRaised
from anpr_notices.domain.model import Status


class FakeCandidateRepository:
    def __init__(self) -> None:
        self.candidates: dict[UUID, dict[str, Any]] = {}
        self.evidence_store: dict[tuple[UUID, str], bytes] = {}
        self.audit_log: list[tuple[datetime, str, str, str, str]] = []

    async def store(self, candidate: CandidateRaised, now: datetime) -> bool:
        if any(c["candidate_key"] == candidate.candidate_key for c in self.candidates.values()):
            return False
        read = candidate.read
        candidate_id = uuid4()
        self.candidates[candidate_id] = {
            "candidate_id": candidate_id,
            "candidate_key": candidate.candidate_key,
            "status": Status.PENDING,
            "regime_id": candidate.regime_id,
            "regime_version": candidate.regime_version,
            "mode": candidate.mode,
            "fine_eur": candidate.fine_eur,
            "plate": read.plate,
            "observed_at": read.observed_at,
            "location_id": read.location_id,
            "decided_by": None,
            "decided_at": None,
            "reason": None,
            "reason_text": None,
            "corrected_plate": None,
            "created_at": now,
        }
        for kind, jpeg in (("plate", read.plate_jpeg), ("overview", read.overview_jpeg)):
            if jpeg:
                self.evidence_store[candidate_id, kind] = jpeg
        return True

    async def list(self, status: Status | None, regime_id: str | None, limit: int) -> list[dict[str, Any]]:
        found = [
            dict(c)
            for c in sorted(self.candidates.values(), key=lambda c: c["observed_at"])
            if (status is None or c["status"] == status) and (regime_id is None or c["regime_id"] == regime_id)
        ]
        return found[:limit]

    async def get(self, candidate_id: UUID) -> dict[str, Any] | None:
        found = self.candidates.get(candidate_id)
        return None if found is None else dict(found)

    async def evidence(self, candidate_id: UUID, kind: str) -> bytes | None:
        return self.evidence_store.get((candidate_id, kind))

    async def set_decision(self, candidate_id: UUID, values: dict[str, Any]) -> None:
        self.candidates[candidate_id].update(values)

    async def audit(self, at: datetime, actor: str, action: str, subject: str, reason: str) -> None:
        self.audit_log.append((at, actor, action, subject, reason))
