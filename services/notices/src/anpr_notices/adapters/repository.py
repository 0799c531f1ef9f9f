from datetime import datetime
from typing import Any, Protocol
from uuid import UUID, uuid4

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from anpr_contracts import CandidateRaised
from anpr_notices.adapters.tables import audit_log, candidates, evidence
from anpr_notices.domain.model import Status


class CandidateRepository(Protocol):
    async def store(self, candidate: CandidateRaised, now: datetime) -> bool: ...
    async def list(self, status: Status | None, regime_id: str | None, limit: int) -> list[dict[str, Any]]: ...
    async def get(self, candidate_id: UUID) -> dict[str, Any] | None: ...
    async def evidence(self, candidate_id: UUID, kind: str) -> bytes | None: ...
    async def set_decision(self, candidate_id: UUID, values: dict[str, Any]) -> None: ...
    async def audit(self, at: datetime, actor: str, action: str, subject: str, reason: str) -> None: ...


class PostgresCandidateRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def store(self, candidate: CandidateRaised, now: datetime) -> bool:
        """False when the candidate (its natural key) is already stored: a redelivery."""
        read = candidate.read
        candidate_id = uuid4()
        result = await self._db.execute(
            pg_insert(candidates)
            .values(
                candidate_id=candidate_id,
                candidate_key=candidate.candidate_key,
                status=Status.PENDING,
                regime_id=candidate.regime_id,
                regime_version=candidate.regime_version,
                mode=candidate.mode,
                legal_reference=candidate.legal_reference,
                fine_eur=candidate.fine_eur,
                plate=read.plate,
                formatted=read.formatted,
                country=read.country,
                confidence=read.confidence,
                observed_at=read.observed_at,
                camera_id=read.camera_id,
                location_id=read.location_id,
                box=list(read.box) if read.box else None,
                explanation=list(candidate.explanation),
                vehicle=candidate.vehicle,
                enforceable=candidate.enforceable,
                exemptions_checked=list(candidate.exemptions_checked),
                correlation_id=candidate.correlation_id,
                created_at=now,
            )
            .on_conflict_do_nothing(index_elements=[candidates.c.candidate_key])
        )
        if result.rowcount != 1:
            return False
        for kind, jpeg in (("plate", read.plate_jpeg), ("overview", read.overview_jpeg)):
            if jpeg:
                await self._db.execute(insert(evidence).values(candidate_id=candidate_id, kind=kind, jpeg=jpeg))
        return True

    async def list(self, status: Status | None, regime_id: str | None, limit: int) -> list[dict[str, Any]]:
        query = select(candidates).order_by(candidates.c.observed_at).limit(limit)
        if status is not None:
            query = query.where(candidates.c.status == status)
        if regime_id is not None:
            query = query.where(candidates.c.regime_id == regime_id)
        return [dict(r._mapping) for r in await self._db.execute(query)]

    async def get(self, candidate_id: UUID) -> dict[str, Any] | None:
        row = (await self._db.execute(select(candidates).where(candidates.c.candidate_id == candidate_id))).first()
        return None if row is None else dict(row._mapping)

    async def evidence(self, candidate_id: UUID, kind: str) -> bytes | None:
        query = select(evidence.c.jpeg).where(evidence.c.candidate_id == candidate_id, evidence.c.kind == kind)
        jpeg: bytes | None = (await self._db.execute(query)).scalar_one_or_none()
        return jpeg

    async def set_decision(self, candidate_id: UUID, values: dict[str, Any]) -> None:
        await self._db.execute(update(candidates).where(candidates.c.candidate_id == candidate_id).values(**values))

    async def audit(self, at: datetime, actor: str, action: str, subject: str, reason: str) -> None:
        await self._db.execute(
            insert(audit_log).values(at=at, actor=actor, action=action, subject=subject, reason=reason)
        )
