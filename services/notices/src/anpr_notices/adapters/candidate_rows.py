"""How a candidate becomes a row of `notices.candidates`, and the cached statements that insert one or many."""

from datetime import datetime
from functools import cache
from typing import Any
from uuid import UUID, uuid4

from pydantic_core import to_json
from sqlalchemy import TextClause, bindparam, text

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


# The columns of `candidate_row`, each with the PostgreSQL array type its values travel in; JSONB columns
# travel as text (encoded by pydantic-core, see `json_columns`) and are cast per row.
_MANY = (
    ("candidate_id", "uuid"),
    ("candidate_key", "text"),
    ("status", "text"),
    ("regime_id", "text"),
    ("regime_version", "text"),
    ("mode", "text"),
    ("legal_reference", "text"),
    ("fine_eur", "float8"),
    ("plate", "text"),
    ("formatted", "text"),
    ("country", "text"),
    ("confidence", "float8"),
    ("observed_at", "timestamptz"),
    ("camera_id", "text"),
    ("location_id", "text"),
    ("box", "jsonb"),
    ("explanation", "jsonb"),
    ("vehicle", "jsonb"),
    ("enforceable", "bool"),
    ("exemptions_checked", "jsonb"),
    ("correlation_id", "text"),
    ("created_at", "timestamptz"),
    ("vehicle_key", "text"),
    ("read_event", "jsonb"),
    ("retention_from", "timestamptz"),
    ("replaces_id", "uuid"),
)
_JSON = frozenset(name for name, kind in _MANY if kind == "jsonb")


@cache
def insert_many() -> TextClause:
    """The same insert for many rows at once, returning the ids of those that were new: one array per column
    through unnest, so the statement text is the same for any number of rows. PostgreSQL and asyncpg
    prepare it once per connection and the insert is one round trip; a VALUES list per row count (as
    insertmanyvalues makes) was compiled by SQLAlchemy and prepared by asyncpg anew for most batches."""
    names = ", ".join(f'"{name}"' for name, _ in _MANY)
    arrays = ", ".join(f"CAST(:{name} AS {'text' if kind == 'jsonb' else kind}[])" for name, kind in _MANY)
    values = ", ".join(f'CAST(r."{name}" AS jsonb)' if name in _JSON else f'r."{name}"' for name, _ in _MANY)
    sql = (
        f"INSERT INTO notices.candidates ({names}) SELECT {values} FROM unnest({arrays}) AS r({names})"  # noqa: S608 - constants of this module
        " ON CONFLICT (candidate_key) DO NOTHING RETURNING candidate_id"
    )
    return text(sql)


def as_arrays(rows: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """`candidate_row`s as the column arrays `insert_many` takes; JSON columns as JSON text."""
    arrays: dict[str, list[Any]] = {}
    for name, _ in _MANY:
        if name in _JSON:
            # None as JSON null, as SQLAlchemy's JSONB type stores it on the one-by-one path.
            arrays[name] = [to_json(row[name]).decode() for row in rows]
        elif name in ("status", "mode"):
            arrays[name] = [str(row[name]) for row in rows]
        else:
            arrays[name] = [row[name] for row in rows]
    return arrays


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
