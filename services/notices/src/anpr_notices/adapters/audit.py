"""The audit trail of every look at personal data: who, what, when, why. One row names one candidate."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from anpr_notices.adapters.tables import audit_log
from anpr_notices.domain.model import Actor


@dataclass(frozen=True)
class AuditQuery:
    actor: str | None = None  # a subject (stable), never a display name: names are not unique
    subject: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100


class AuditLog(Protocol):
    async def record(self, at: datetime, actor: Actor, action: str, subjects: Sequence[str], reason: str) -> None: ...
    async def query(self, query: AuditQuery) -> list[dict[str, Any]]: ...


class PostgresAuditLog:
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def record(self, at: datetime, actor: Actor, action: str, subjects: Sequence[str], reason: str) -> None:
        if subjects:  # executemany: batched into few round trips, one cached statement for any page size
            who = {"actor": actor.subject, "actor_name": actor.name}
            rows = [{"at": at, **who, "action": action, "subject": s, "reason": reason} for s in subjects]
            await self._db.execute(insert(audit_log), rows)

    async def query(self, query: AuditQuery) -> list[dict[str, Any]]:
        statement = select(audit_log).order_by(audit_log.c.at.desc(), audit_log.c.audit_id.desc()).limit(query.limit)
        if query.actor is not None:
            statement = statement.where(audit_log.c.actor == query.actor)
        if query.subject is not None:
            statement = statement.where(audit_log.c.subject == query.subject)
        if query.since is not None:
            statement = statement.where(audit_log.c.at >= query.since)
        if query.until is not None:
            statement = statement.where(audit_log.c.at < query.until)
        return [dict(row._mapping) for row in await self._db.execute(statement)]
