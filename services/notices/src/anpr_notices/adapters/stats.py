"""Read-only queries behind `GET /v1/stats`.

`rules.outcome_counts` is the one read across schemas in notices: how many reads rules judged, per
regime, location, hour and outcome (counts only, no plates); its counterpart here is `candidate_counts`,
kept exact by a trigger (migration 0007), so no request groups every candidate. Both services share one PostgreSQL, so a
SELECT on that aggregate is simpler and sturdier than an HTTP call (no peer to be down, no service
token to configure). It is read on its own connection, so a missing rules schema only leaves
`reads_judged` empty; `tests/integration/test_stats.py` pins the columns against rules' migrations."""

from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    MetaData,
    String,
    Table,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from anpr_notices.adapters.tables import candidate_counts, candidates, decisions
from anpr_notices.domain.model import Status

# Owned by rules (services/rules/src/anpr_rules/adapters/tables.py); only the columns read here.
rules_outcome_counts = Table(
    "outcome_counts",
    MetaData(schema="rules"),
    Column("regime_id", String(100)),
    Column("location_id", String(100)),
    Column("hour", DateTime(timezone=True)),
    Column("outcome", String(30)),
    Column("count", BigInteger),
)
Rows = list[tuple[Any, ...]]
WAITING = (Status.PENDING, Status.AWAITING_SECOND_REVIEW, Status.REEVALUATING)


class StatsSource(Protocol):
    async def reads_judged(self, since: datetime, until: datetime) -> Rows | None: ...
    async def notices(self, since: datetime, until: datetime, now: datetime) -> dict[str, Any]: ...


_NO_KEY = null().cast(String)
_NO_LABEL = null().cast(String)
_NO_MOMENT = null().cast(DateTime(timezone=True))
_COUNT = cast(func.count(), BigInteger)


def first_hour(since: datetime) -> datetime:
    """Statistics come in whole UTC hours: the hour that holds `since` is the first one shown."""
    return since.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _hour(column: Any) -> Any:
    return func.date_trunc("hour", column, literal("UTC"))  # UTC hours whatever the session time zone


class PostgresStats:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def reads_judged(self, since: datetime, until: datetime) -> Rows | None:
        """None when the rules counters cannot be read (rules never migrated, no grant)."""
        c = rules_outcome_counts.c
        query = (
            select(c.regime_id, c.location_id, c.hour, c.outcome, cast(func.sum(c.count), BigInteger))
            .where(c.hour >= first_hour(since), c.hour < until)
            .group_by(c.regime_id, c.location_id, c.hour, c.outcome)
        )
        try:
            async with self._engine.connect() as connection:
                return [tuple(row) for row in await connection.execute(query)]
        except DBAPIError:
            return None

    async def notices(self, since: datetime, until: datetime, now: datetime) -> dict[str, Any]:
        c, d, n = candidates.c, decisions.c, candidate_counts.c
        start = first_hour(since)
        # The four aggregates travel as one UNION ALL in one shape (kind, key, key, hour, label, count,
        # moment): one connection and one round trip instead of four, which is what a loaded database
        # server charges most for (each connection also pays a pre-ping and a rollback).
        by_status = select(
            literal("candidates"), n.regime_id, n.location_id, n.hour, n.status, n.count, _NO_MOMENT
        ).where(n.hour >= start, n.hour < until, n.count > 0)
        # A decision follows the observation, so `d.at >= start` holds for every row wanted and lets the
        # decisions' time index narrow the join.
        observed_hour = _hour(c.observed_at)  # one bound expression: GROUP BY must see the SELECT's own
        rejections = (
            select(literal("rejections"), c.regime_id, c.location_id, observed_hour, d.reason, _COUNT, _NO_MOMENT)
            .select_from(decisions.join(candidates, d.candidate_id == c.candidate_id))
            .where(d.decision == "reject", d.at >= start, c.observed_at >= start, c.observed_at < until)
            .group_by(c.regime_id, c.location_id, observed_hour, d.reason)
        )
        decided_hour = _hour(d.at)
        throughput = (
            select(literal("throughput"), d.by, func.max(d.by_name), decided_hour, _NO_LABEL, _COUNT, _NO_MOMENT)
            .where(d.at >= since, d.at < until)
            .group_by(d.by, decided_hour)
        )
        # How many wait from the counters; the oldest of each status from the (status, created_at) index.
        oldest = select(func.min(c.created_at)).where(c.status == n.status).scalar_subquery()
        waiting = (
            select(
                literal("waiting"), _NO_KEY, _NO_KEY, _NO_MOMENT, n.status, cast(func.sum(n.count), BigInteger), oldest
            )
            .where(n.status.in_(WAITING), n.count > 0)
            .group_by(n.status)
        )
        found: dict[str, Rows] = {"candidates": [], "rejections": [], "throughput": [], "waiting": []}
        async with self._engine.connect() as connection:
            for kind, first, second, hour, label, count, moment in await connection.execute(
                union_all(by_status, rejections, throughput, waiting)
            ):
                if kind == "throughput":
                    found[kind].append((first, hour, count, second))
                elif kind == "waiting":
                    found[kind].append((label, count, moment))
                else:
                    found[kind].append((first, second, hour, label, count))
        found["throughput"].sort(key=lambda row: (row[1], row[0]))
        return found
