from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, and_, func, insert, or_, select, text, true, update
from sqlalchemy.ext.asyncio import AsyncConnection

from anpr_exemptions.adapters.tables import audit, exemptions
from anpr_exemptions.domain.audit import AuditEntry
from anpr_exemptions.domain.fields import exemption_from, fields_of
from anpr_exemptions.domain.local_time import local_clock
from anpr_exemptions.domain.model import Exemption, ExemptionKind
from anpr_exemptions.domain.search import Search


class ExemptionRepository(Protocol):
    async def add(self, exemption: Exemption) -> None: ...
    async def get(self, exemption_id: str, for_update: bool = False) -> Exemption | None: ...
    async def update(self, exemption: Exemption) -> None: ...
    async def of_plate(self, plate: str) -> list[Exemption]: ...
    async def search(self, query: Search) -> list[Exemption]: ...
    async def lock_day_permits(self, plate: str, municipality: str, year: int) -> None: ...
    async def day_permits(self, plate: str, municipality: str, year: int) -> list[Exemption]: ...
    async def record(self, entry: AuditEntry) -> None: ...
    async def audit_of(self, exemption_id: str) -> list[AuditEntry]: ...


# The one field whose column has another name; every other column is named as the field.
_COLUMN = {"day": "permit_day"}
_FIELD = {column: name for name, column in _COLUMN.items()}
_IDENTITY = ("exemption_id", "plate", "kind")  # fixed once stored: an update never writes them


def _exemption(row: Any) -> Exemption:
    return exemption_from({_FIELD.get(column, column): value for column, value in row._mapping.items()})


def _columns(exemption: Exemption) -> dict[str, Any]:
    values = fields_of(exemption)
    values["kind"] = exemption.kind.value
    return {_COLUMN.get(name, name): list(v) if isinstance(v, tuple) else v for name, v in values.items()}


def _mutable(exemption: Exemption) -> dict[str, Any]:
    return {column: v for column, v in _columns(exemption).items() if column not in _IDENTITY}


def _active_at(moment: datetime) -> ColumnElement[bool]:
    """`Exemption.active_at` in SQL. The wall-clock time is computed once here, so the database needs no
    time-zone rules of its own."""
    c = exemptions.c
    clock = local_clock(moment)
    in_window = or_(
        c.daily_from.is_(None),
        and_(c.daily_from < c.daily_until, c.daily_from <= clock, c.daily_until > clock),
        and_(c.daily_from > c.daily_until, or_(c.daily_from <= clock, c.daily_until > clock)),
    )
    return and_(
        c.revoked.is_(False),
        c.valid_from <= moment,
        or_(c.valid_until.is_(None), c.valid_until > moment),
        in_window,
    )


def _filtered(query: Search) -> Select[Any]:
    c = exemptions.c
    conditions: list[ColumnElement[bool]] = [true()]
    if query.plate is not None:
        conditions.append(c.plate == query.plate)
    if query.kind is not None:
        conditions.append(c.kind == query.kind.value)
    if query.regime is not None:
        conditions.append(or_(func.cardinality(c.regimes) == 0, c.regimes.any(query.regime)))
    if query.active_at is not None:
        conditions.append(_active_at(query.active_at))
    return select(exemptions).where(*conditions).order_by(c.valid_from.desc(), c.exemption_id).limit(query.limit)


class PostgresExemptionRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def add(self, exemption: Exemption) -> None:
        await self._db.execute(insert(exemptions).values(**_columns(exemption)))

    async def get(self, exemption_id: str, for_update: bool = False) -> Exemption | None:
        query = select(exemptions).where(exemptions.c.exemption_id == exemption_id)
        row = (await self._db.execute(query.with_for_update() if for_update else query)).first()
        return None if row is None else _exemption(row)

    async def update(self, exemption: Exemption) -> None:
        where = exemptions.c.exemption_id == exemption.exemption_id
        await self._db.execute(update(exemptions).where(where).values(**_mutable(exemption)))

    async def of_plate(self, plate: str) -> list[Exemption]:
        rows = await self._db.execute(select(exemptions).where(exemptions.c.plate == plate))
        return [_exemption(r) for r in rows]

    async def search(self, query: Search) -> list[Exemption]:
        return [_exemption(r) for r in await self._db.execute(_filtered(query))]

    async def lock_day_permits(self, plate: str, municipality: str, year: int) -> None:
        # Held until the transaction ends: a second request for the same vehicle-year waits here, then
        # counts the first one's permit. A 64-bit hash makes a collision (two vehicles waiting for each
        # other, never a wrong count) negligible.
        key = f"exemptions.day-permit:{municipality}:{plate}:{year}"
        await self._db.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})

    async def day_permits(self, plate: str, municipality: str, year: int) -> list[Exemption]:
        c = exemptions.c
        query = select(exemptions).where(
            c.kind == ExemptionKind.DAY_PERMIT.value,
            c.plate == plate,
            c.municipality == municipality,
            c.permit_day.between(date(year, 1, 1), date(year, 12, 31)),
        )
        return [_exemption(r) for r in await self._db.execute(query)]

    async def record(self, entry: AuditEntry) -> None:
        await self._db.execute(
            insert(audit).values(
                at=entry.at,
                actor=entry.actor,
                actor_name=entry.actor_name,
                action=entry.action,
                exemption_id=entry.exemption_id,
                before=entry.before,
                after=entry.after,
            )
        )

    async def audit_of(self, exemption_id: str) -> list[AuditEntry]:
        query = select(audit).where(audit.c.exemption_id == exemption_id).order_by(audit.c.audit_id)
        return [
            AuditEntry(r.at, r.actor, r.action, r.exemption_id, r.before, r.after, r.actor_name)
            for r in await self._db.execute(query)
        ]
