from typing import Any, Protocol

from sqlalchemy import ColumnElement, insert, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from anpr_exemptions.adapters.tables import read_log
from anpr_exemptions.domain.reads import ReadEntry, ReadQuery


class ReadLog(Protocol):
    async def record(self, entry: ReadEntry) -> None: ...
    async def query(self, query: ReadQuery) -> list[ReadEntry]: ...


class PostgresReadLog:
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def record(self, entry: ReadEntry) -> None:
        values: dict[str, Any] = {
            "at": entry.at,
            "actor": entry.actor,
            "actor_name": entry.actor_name,
            "action": entry.action,
            "purpose": entry.purpose,
            "plate_key": entry.plate_key,
            "exemption_ids": list(entry.exemption_ids),
        }
        await self._db.execute(insert(read_log).values(**values))

    async def query(self, query: ReadQuery) -> list[ReadEntry]:
        c = read_log.c
        conditions: list[ColumnElement[bool]] = [true()]
        if query.actor is not None:
            conditions.append(c.actor == query.actor)
        if query.plate_key is not None:
            conditions.append(c.plate_key == query.plate_key)
        if query.since is not None:
            conditions.append(c.at >= query.since)
        rows = await self._db.execute(
            select(read_log).where(*conditions).order_by(c.at.desc(), c.read_id.desc()).limit(query.limit)
        )
        return [
            ReadEntry(r.at, r.actor, r.actor_name, r.action, r.purpose, r.plate_key, tuple(r.exemption_ids))
            for r in rows
        ]
