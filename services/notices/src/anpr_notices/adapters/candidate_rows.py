"""How a candidate becomes a row of `notices.candidates`, and the cached statements that insert one or many."""

from datetime import datetime
from functools import cache
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import TextClause, bindparam, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.sql.dml import ReturningInsert

from anpr_contracts import CandidateRaised
from anpr_notices.adapters.tables import candidates
from anpr_notices.domain.model import Status


@cache
def insert_new(columns: tuple[str, ...]) -> TextClause:
    """INSERT ... ON CONFLICT (candidate_key) DO NOTHING as a TextClause with typed binds: SQLAlchemy cannot
    cache the compiled form of pg_insert(...).on_conflict_do_nothing() ("no key") and compiled it again
    for every candidate, most of the CPU notices spent on one (py-spy during `anpr bench pipeline`).
    `columns` are those of `candidate_row` (always the same tuple, so one cached statement)."""
    names = ", ".join(columns)
    binds = ", ".join(f":{name}" for name in columns)
    sql = f"INSERT INTO notices.candidates ({names}) VALUES ({binds}) ON CONFLICT (candidate_key) DO NOTHING"  # noqa: S608 - column names of the table
    return text(sql).bindparams(*(bindparam(name, type_=candidates.c[name].type) for name in columns))


@cache
def insert_many() -> ReturningInsert[Any]:
    """The same insert for many rows at once, returning the ids of those that were new."""
    return (
        pg_insert(candidates)
        .on_conflict_do_nothing(index_elements=[candidates.c.candidate_key])
        .returning(candidates.c.candidate_id)
    )


def candidate_row(
    candidate: CandidateRaised, vehicle_key: str, now: datetime, replaces_id: UUID | None
) -> dict[str, Any]:
    read = candidate.read
    return dict(
        candidate_id=uuid4(),
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
        vehicle_key=vehicle_key,
        read_event=read.model_dump(mode="json", exclude={"plate_jpeg", "overview_jpeg"}),
        retention_from=now,
        replaces_id=replaces_id,
    )
