"""In-memory stand-ins for the notices ports, with the same methods and semantics as the PostgreSQL
adapters (tests/unit/test_fakes.py checks the signatures)."""

import copy
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

from anpr_contracts import CandidateRaised
from anpr_notices.adapters.audit import AuditQuery
from anpr_notices.adapters.candidates import CandidateQuery
from anpr_notices.domain.model import CONFIRMED, ISSUED, Actor, Status
from anpr_notices.domain.workflow import Verdict


class FakeCandidateRepository:
    def __init__(self) -> None:
        self.candidates: dict[UUID, dict[str, Any]] = {}
        self.evidence_store: dict[tuple[UUID, str], bytes] = {}

    async def store_many(self, keyed: Sequence[tuple[CandidateRaised, str]], now: datetime) -> list[UUID | None]:
        return [await self.store(candidate, vehicle_key, now, None) for candidate, vehicle_key in keyed]

    async def store(
        self, candidate: CandidateRaised, vehicle_key: str, now: datetime, replaces_id: UUID | None
    ) -> UUID | None:
        if any(c["candidate_key"] == candidate.candidate_key for c in self.candidates.values()):
            return None
        read = candidate.read
        candidate_id = uuid4()
        self.candidates[candidate_id] = {
            "candidate_id": candidate_id,
            "candidate_key": candidate.candidate_key,
            "status": Status.PENDING,
            "regime_id": candidate.regime_id,
            "regime_version": candidate.regime_version,
            "mode": str(candidate.mode),
            "legal_reference": candidate.legal_reference,
            "fine_eur": candidate.fine_eur,
            "plate": read.plate,
            "formatted": read.formatted,
            "country": read.country,
            "confidence": read.confidence,
            "observed_at": read.observed_at,
            "camera_id": read.camera_id,
            "location_id": read.location_id,
            "box": list(read.box) if read.box else None,
            "explanation": list(candidate.explanation),
            "vehicle": dict(candidate.vehicle),
            "enforceable": candidate.enforceable,
            "exemptions_checked": list(candidate.exemptions_checked),
            "correlation_id": candidate.correlation_id,
            "created_at": now,
            "vehicle_key": vehicle_key,
            "read_event": read.model_dump(mode="json", exclude={"plate_jpeg", "overview_jpeg"}),
            "retention_from": now,
            "issued_at": None,
            "issued_as": None,
            "export_batch_id": None,
            "replaces_id": replaces_id,
            "replaced_by_id": None,
            "decisions": [],
        }
        for kind, jpeg in (("plate", read.plate_jpeg), ("overview", read.overview_jpeg)):
            if jpeg:
                self.evidence_store[candidate_id, kind] = jpeg
        return candidate_id

    async def get(self, candidate_id: UUID, lock: bool = False) -> dict[str, Any] | None:
        found = self.candidates.get(candidate_id)
        return None if found is None else self._complete(found)

    async def get_by_key(self, candidate_key: str, lock: bool = False) -> dict[str, Any] | None:
        found = [c for c in self.candidates.values() if c["candidate_key"] == candidate_key]
        return self._complete(found[0]) if found else None

    async def find(self, query: CandidateQuery) -> list[dict[str, Any]]:
        def position(c: dict[str, Any]) -> tuple[datetime, str]:
            return c["observed_at"], str(c["candidate_id"])

        ordered = sorted(self.candidates.values(), key=position, reverse=query.newest_first)
        if query.after is not None:
            ordered = [c for c in ordered if position(c) > position(self.candidates[query.after])]
        if query.before is not None:
            ordered = [c for c in ordered if position(c) < position(self.candidates[query.before])]
        found = [
            c
            for c in ordered
            if query.status in (None, c["status"])
            and query.regime_id in (None, c["regime_id"])
            and query.location_id in (None, c["location_id"])
        ]
        return [self._complete(c) for c in found[: query.limit]]

    async def evidence(self, candidate_id: UUID, kind: str) -> bytes | None:
        return self.evidence_store.get((candidate_id, kind))

    async def evidence_of(self, candidate_id: UUID) -> dict[str, bytes]:
        return {kind: jpeg for (cid, kind), jpeg in self.evidence_store.items() if cid == candidate_id}

    async def add_decision(self, candidate_id: UUID, by: Actor, at: datetime, verdict: Verdict) -> None:
        self.candidates[candidate_id]["decisions"].append(
            {
                "by": by.subject,
                "by_name": by.name,
                "at": at,
                "decision": verdict.decision,
                "reason": verdict.reason,
                "reason_text": verdict.reason_text,
                "corrected_plate": verdict.corrected_plate,
            }
        )

    async def set_status(self, candidate_id: UUID, status: Status, values: dict[str, Any]) -> None:
        self.candidates[candidate_id].update(values, status=status)

    async def offences(self, vehicles: Collection[tuple[str, str]]) -> set[tuple[str, str]]:
        return {
            (c["vehicle_key"], c["regime_id"])
            for c in self.candidates.values()
            if (c["vehicle_key"], c["regime_id"]) in vehicles and c["status"] in CONFIRMED
        }

    async def earlier_of_vehicle(self, candidate: Mapping[str, Any], limit: int) -> list[dict[str, Any]]:
        def position(c: Mapping[str, Any]) -> tuple[datetime, str]:
            return c["observed_at"], str(c["candidate_id"])

        if candidate["vehicle_key"]:
            same = [c for c in self.candidates.values() if c["vehicle_key"] == candidate["vehicle_key"]]
        else:
            same = [c for c in self.candidates.values() if not c["vehicle_key"] and c["plate"] == candidate["plate"]]
        earlier = [c for c in same if c["regime_id"] == candidate["regime_id"] and position(c) < position(candidate)]
        earlier.sort(key=position, reverse=True)
        return [self._complete(c) for c in earlier[:limit]]

    def _complete(self, candidate: dict[str, Any]) -> dict[str, Any]:
        kinds = sorted(kind for cid, kind in self.evidence_store if cid == candidate["candidate_id"])
        return {**copy.deepcopy(candidate), "evidence": kinds}


class FakeAuditLog:
    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    async def record(self, at: datetime, actor: Actor, action: str, subjects: Sequence[str], reason: str) -> None:
        for subject in subjects:
            row = {"at": at, "actor": actor.subject, "actor_name": actor.name, "action": action, "subject": subject}
            self.rows.append({**row, "reason": reason})

    async def query(self, query: AuditQuery) -> list[dict[str, Any]]:
        found = [
            row
            for row in reversed(self.rows)
            if query.actor in (None, row["actor"])
            and query.subject in (None, row["subject"])
            and (query.since is None or row["at"] >= query.since)
            and (query.until is None or row["at"] < query.until)
        ]
        return found[: query.limit]


class FakeRetentionRepository:
    def __init__(self, repo: FakeCandidateRepository) -> None:
        self.repo = repo

    async def delete_expired(self, statuses: Collection[Status], before: datetime) -> int:
        expired = [
            cid for cid, c in self.repo.candidates.items() if c["status"] in statuses and c["retention_from"] < before
        ]
        for cid in expired:
            del self.repo.candidates[cid]
            for other in self.repo.candidates.values():  # ON DELETE SET NULL
                for link in ("replaces_id", "replaced_by_id"):
                    if other[link] == cid:
                        other[link] = None
            for key in [k for k in self.repo.evidence_store if k[0] == cid]:
                del self.repo.evidence_store[key]
        return len(expired)


class FakeExportRepository:
    def __init__(self, repo: FakeCandidateRepository) -> None:
        self.repo = repo
        self.stored_batches: dict[UUID, dict[str, Any]] = {}

    async def create_batch(self, batch_id: UUID, at: datetime, by: Actor) -> dict[str, Any]:
        moved = [c for c in self.repo.candidates.values() if c["status"] in ISSUED and c["export_batch_id"] is None]
        for c in moved:
            c.update(status=Status.EXPORTED, export_batch_id=batch_id)
        kinds = [c["issued_as"] for c in moved]
        batch = {
            "batch_id": batch_id,
            "created_at": at,
            "created_by": by.subject,
            "created_by_name": by.name,
            "notices": kinds.count("notice"),
            "warnings": kinds.count("warning"),
        }
        self.stored_batches[batch_id] = batch
        return dict(batch)

    async def batch(self, batch_id: UUID) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
        if batch_id not in self.stored_batches:
            return None
        members = [c for c in self.repo.candidates.values() if c["export_batch_id"] == batch_id]
        members.sort(key=lambda c: c["observed_at"])
        return dict(self.stored_batches[batch_id]), [self.repo._complete(c) for c in members]

    async def batches(self, limit: int) -> list[dict[str, Any]]:
        ordered = sorted(
            self.stored_batches.values(), key=lambda b: (b["created_at"], str(b["batch_id"])), reverse=True
        )
        return [dict(b) for b in ordered[:limit]]
