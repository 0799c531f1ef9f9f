"""Candidates with their evidence and decision history, in the caller's transaction."""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import Row, insert, literal, select, tuple_, update
from sqlalchemy.dialects.postgresql import UUID as UUID_
from sqlalchemy.ext.asyncio import AsyncConnection

from anpr_contracts import CandidateRaised
from anpr_notices.adapters.candidate_rows import as_arrays, candidate_row, insert_many, insert_new
from anpr_notices.adapters.tables import candidates, decisions, evidence
from anpr_notices.domain.model import CONFIRMED, Actor, Status
from anpr_notices.domain.workflow import Verdict

DECISION_FIELDS = ("by", "by_name", "at", "decision", "reason", "reason_text", "corrected_plate")


@dataclass(frozen=True)
class CandidateQuery:
    """The queue in time order (oldest first unless `newest_first`). `after` / `before`: only candidates
    seen after / before that candidate; the last one of a page continues the listing (keyset paging)."""

    status: Status | None = None
    regime_id: str | None = None
    location_id: str | None = None
    limit: int = 100
    newest_first: bool = False
    after: UUID | None = None
    before: UUID | None = None


class CandidateRepository(Protocol):
    async def store(
        self, candidate: CandidateRaised, vehicle_key: str, now: datetime, replaces_id: UUID | None
    ) -> UUID | None: ...
    async def store_many(self, keyed: Sequence[tuple[CandidateRaised, str]], now: datetime) -> list[UUID | None]: ...
    async def get(self, candidate_id: UUID, lock: bool = False) -> dict[str, Any] | None: ...
    async def get_by_key(self, candidate_key: str, lock: bool = False) -> dict[str, Any] | None: ...
    async def find(self, query: CandidateQuery) -> list[dict[str, Any]]: ...
    async def evidence(self, candidate_id: UUID, kind: str) -> bytes | None: ...
    async def evidence_of(self, candidate_id: UUID) -> dict[str, bytes]: ...
    async def add_decision(self, candidate_id: UUID, by: Actor, at: datetime, verdict: Verdict) -> None: ...
    async def set_status(self, candidate_id: UUID, status: Status, values: dict[str, Any]) -> None: ...
    async def offences(self, vehicles: Collection[tuple[str, str]]) -> set[tuple[str, str]]: ...
    async def earlier_of_vehicle(self, candidate: Mapping[str, Any], limit: int) -> list[dict[str, Any]]: ...


def _position(candidate_id: UUID) -> Any:
    """(observed_at, candidate_id) of a candidate; NULL (so an empty page) once it is purged."""
    observed_at = select(candidates.c.observed_at).where(candidates.c.candidate_id == candidate_id)
    return tuple_(observed_at.scalar_subquery(), literal(candidate_id))


class PostgresCandidateRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def store(
        self, candidate: CandidateRaised, vehicle_key: str, now: datetime, replaces_id: UUID | None
    ) -> UUID | None:
        """None when the candidate (its natural key) is already stored: a redelivery."""
        new = candidate_row(candidate, vehicle_key, now, replaces_id)
        result = await self._db.execute(insert_new(tuple(new)), new)
        if result.rowcount != 1:
            return None
        candidate_id: UUID = new["candidate_id"]
        await self._add_evidence([(candidate_id, candidate)])
        return candidate_id

    async def store_many(self, keyed: Sequence[tuple[CandidateRaised, str]], now: datetime) -> list[UUID | None]:
        """`store` for many candidates that replace none, in one statement; per candidate its new id, or None
        for a redelivery."""
        rows = [candidate_row(candidate, vehicle_key, now, None) for candidate, vehicle_key in keyed]
        if not rows:
            return []
        new = await self._db.execute(insert_many(), as_arrays(rows))  # one INSERT ... SELECT FROM unnest
        stored = {inserted.candidate_id for inserted in new}
        ids = [r["candidate_id"] if r["candidate_id"] in stored else None for r in rows]
        await self._add_evidence([(i, c) for i, (c, _) in zip(ids, keyed, strict=True) if i is not None])
        return ids

    async def _add_evidence(self, stored: Sequence[tuple[UUID, CandidateRaised]]) -> None:
        rows = [
            {"candidate_id": candidate_id, "kind": kind, "jpeg": jpeg}
            for candidate_id, candidate in stored
            for kind, jpeg in (("plate", candidate.read.plate_jpeg), ("overview", candidate.read.overview_jpeg))
            if jpeg
        ]
        if rows:
            await self._db.execute(insert(evidence), rows)

    async def get(self, candidate_id: UUID, lock: bool = False) -> dict[str, Any] | None:
        return await self._one(candidates.c.candidate_id == candidate_id, lock)

    async def get_by_key(self, candidate_key: str, lock: bool = False) -> dict[str, Any] | None:
        return await self._one(candidates.c.candidate_key == candidate_key, lock)

    async def find(self, query: CandidateQuery) -> list[dict[str, Any]]:
        key = tuple_(candidates.c.observed_at, candidates.c.candidate_id)
        if query.newest_first:
            order = (candidates.c.observed_at.desc(), candidates.c.candidate_id.desc())
        else:
            order = (candidates.c.observed_at.asc(), candidates.c.candidate_id.asc())
        statement = select(candidates).order_by(*order).limit(query.limit)
        if query.status is not None:
            statement = statement.where(candidates.c.status == query.status)
        if query.regime_id is not None:
            statement = statement.where(candidates.c.regime_id == query.regime_id)
        if query.location_id is not None:
            statement = statement.where(candidates.c.location_id == query.location_id)
        # Keyset paging: stable under inserts and decisions, and as fast on page 2,000 as on page 1.
        if query.after is not None:
            statement = statement.where(key > _position(query.after))
        if query.before is not None:
            statement = statement.where(key < _position(query.before))
        return await self.complete(list(await self._db.execute(statement)))

    async def evidence(self, candidate_id: UUID, kind: str) -> bytes | None:
        query = select(evidence.c.jpeg).where(evidence.c.candidate_id == candidate_id, evidence.c.kind == kind)
        jpeg: bytes | None = (await self._db.execute(query)).scalar_one_or_none()
        return jpeg

    async def evidence_of(self, candidate_id: UUID) -> dict[str, bytes]:
        rows = await self._db.execute(
            select(evidence.c.kind, evidence.c.jpeg).where(evidence.c.candidate_id == candidate_id)
        )
        return {row.kind: row.jpeg for row in rows}

    async def add_decision(self, candidate_id: UUID, by: Actor, at: datetime, verdict: Verdict) -> None:
        await self._db.execute(
            insert(decisions).values(
                candidate_id=candidate_id,
                at=at,
                by=by.subject,
                by_name=by.name,
                decision=verdict.decision,
                reason=verdict.reason,
                reason_text=verdict.reason_text,
                corrected_plate=verdict.corrected_plate,
            )
        )

    async def set_status(self, candidate_id: UUID, status: Status, values: dict[str, Any]) -> None:
        statement = update(candidates).where(candidates.c.candidate_id == candidate_id)
        await self._db.execute(statement.values(status=status, **values))

    async def offences(self, vehicles: Collection[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of these (vehicle key, regime) pairs already have a confirmed offence."""
        if not vehicles:
            return set()
        pair = tuple_(candidates.c.vehicle_key, candidates.c.regime_id)
        query = (
            select(candidates.c.vehicle_key, candidates.c.regime_id)
            .where(pair.in_(list(vehicles)), candidates.c.status.in_(list(CONFIRMED)))
            .distinct()
        )
        return {(row.vehicle_key, row.regime_id) for row in await self._db.execute(query)}

    async def earlier_of_vehicle(self, candidate: Mapping[str, Any], limit: int) -> list[dict[str, Any]]:
        """The same vehicle's candidates in the same regime seen before this one, newest first. The vehicle
        is its keyed hash; only rows stored before there was one (migration 0003) fall back to the plate."""
        c = candidates.c
        if candidate["vehicle_key"]:
            same_vehicle = c.vehicle_key == candidate["vehicle_key"]
        else:
            same_vehicle = (c.vehicle_key.is_(None)) & (c.plate == candidate["plate"])
        position = (literal(candidate["observed_at"], c.observed_at.type), literal(candidate["candidate_id"], UUID_))
        earlier = tuple_(c.observed_at, c.candidate_id) < tuple_(*position)
        statement = (
            select(candidates)
            .where(same_vehicle, c.regime_id == candidate["regime_id"], earlier)
            .order_by(c.observed_at.desc(), c.candidate_id.desc())
            .limit(limit)
        )
        return await self.complete(list(await self._db.execute(statement)))

    async def _one(self, condition: Any, lock: bool) -> dict[str, Any] | None:
        statement = select(candidates).where(condition)
        if lock:  # two reviewers deciding at once: the second waits, then sees the first one's status
            statement = statement.with_for_update()
        found = await self.complete(list(await self._db.execute(statement)))
        return found[0] if found else None

    async def complete(self, rows: Sequence[Row[Any]]) -> list[dict[str, Any]]:
        """Rows plus their decision history and the kinds of evidence they have (one query each)."""
        found = [{**row._mapping, "status": Status(row.status), "decisions": [], "evidence": []} for row in rows]
        if not found:
            return found
        by_id = {c["candidate_id"]: c for c in found}
        history = select(decisions).where(decisions.c.candidate_id.in_(by_id)).order_by(decisions.c.decision_id)
        for row in await self._db.execute(history):
            by_id[row.candidate_id]["decisions"].append({f: getattr(row, f) for f in DECISION_FIELDS})
        kinds = select(evidence.c.candidate_id, evidence.c.kind).where(evidence.c.candidate_id.in_(by_id))
        for row in await self._db.execute(kinds.order_by(evidence.c.kind)):
            by_id[row.candidate_id]["evidence"].append(row.kind)
        return found
