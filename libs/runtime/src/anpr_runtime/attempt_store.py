"""The poison guard's attempts in PostgreSQL, in the consuming service's own schema: they must outlive the
process, and a partition moves between instances (see poison.py).

The table is the runtime's, not the service's, so it is created here when the consumer starts (every
consuming service gets it without a migration of its own); it holds offsets only, never a payload.

Its cost is on every poll, so it keeps one connection of its own in autocommit: one round trip per
statement (no BEGIN/COMMIT, no ping on a pool checkout). A failed statement drops the connection and the
next one connects again (a restarted database).

Only the rows of a dead process count as deaths. Each store writes its rows with its own owner id and
holds a session advisory lock on that id on its connection while it lives; a process that dies loses
its session and so its lock. Rows whose owner still holds its lock belong to a live process that lost
the partition in a rebalance and is finishing what it fetched: no death (taken over, not counted).
"""

import contextlib
import re
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from aiokafka import TopicPartition
from sqlalchemy import CursorResult, TextClause, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from anpr_runtime.poison import Attempts, Span

TABLE = "consumer_attempts"
_SCHEMA = re.compile(r"^[a-z_][a-z0-9_]*$")
_COLUMNS = "group_id, topic, partition, first_offset, last_offset, attempts, owner_a, owner_b"
_PARTITION = "group_id = :group AND topic = :topic AND partition = :partition"
_UNNEST = "unnest(CAST(:topics AS text[]), CAST(:partitions AS integer[]), CAST(:firsts AS bigint[])"
_MINE = "owner_a = :owner_a AND owner_b = :owner_b"
_MINE_A = "a.owner_a = :owner_a AND a.owner_b = :owner_b"
# A session lock pg_advisory_lock(a, b) shows in pg_locks as classid a, objid b, objsubid 2.
_OWNER_ALIVE = """EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted
    AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND l.classid = CAST(a.owner_a AS oid) AND l.objid = CAST(a.owner_b AS oid) AND l.objsubid = 2)"""


class PostgresAttemptStore:
    def __init__(self, engine: AsyncEngine, schema: str, group: str) -> None:
        if not _SCHEMA.match(schema):
            raise ValueError(f"{schema!r} is no plain schema name")
        self._engine = engine
        self._connection: AsyncConnection | None = None
        self._group = group
        # This process's id on its rows and its advisory lock: two random positive 31-bit numbers.
        self._owner = {"owner_a": 1 + secrets.randbelow(2**31 - 1), "owner_b": 1 + secrets.randbelow(2**31 - 1)}
        # Only the checked schema name and this module's constants go into the SQL (hence the noqa S608).
        table = self._table = f'"{schema}".{TABLE}'
        self._create = text(
            f"""CREATE TABLE IF NOT EXISTS {table} (
                group_id text NOT NULL,
                topic text NOT NULL,
                partition integer NOT NULL,
                first_offset bigint NOT NULL,
                last_offset bigint NOT NULL,
                attempts integer NOT NULL,
                owner_a integer NOT NULL,
                owner_b integer NOT NULL,
                started_at timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (group_id, topic, partition, first_offset)
            )"""
        )
        # Tables made before owners were kept (a development database) get the columns.
        self._add_owner = text(
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS owner_a integer NOT NULL DEFAULT 0,"
            " ADD COLUMN IF NOT EXISTS owner_b integer NOT NULL DEFAULT 0"
        )
        # One round trip: the rows dead processes left (all sub-statements see one snapshot, so not the new
        # ones), and a row for each span of a partition that had none; a live owner's row is taken over.
        self._begin = text(
            f"""WITH fetched AS (
                    SELECT * FROM {_UNNEST}, CAST(:lasts AS bigint[]))
                    AS f(topic, partition, first_offset, last_offset)
                ), dead AS (
                    SELECT a.topic, a.partition, a.first_offset, a.last_offset, a.attempts
                    FROM {table} a JOIN fetched f ON a.topic = f.topic AND a.partition = f.partition
                    WHERE a.group_id = :group AND NOT ({_MINE_A}) AND NOT {_OWNER_ALIVE}
                ), started AS (
                    INSERT INTO {table} ({_COLUMNS})
                    SELECT :group, f.topic, f.partition, f.first_offset, f.last_offset, 1, :owner_a, :owner_b
                    FROM fetched f
                    WHERE NOT EXISTS (SELECT 1 FROM dead d WHERE d.topic = f.topic AND d.partition = f.partition)
                    ON CONFLICT (group_id, topic, partition, first_offset) DO UPDATE
                    SET last_offset = EXCLUDED.last_offset, attempts = 1,
                        owner_a = EXCLUDED.owner_a, owner_b = EXCLUDED.owner_b, started_at = now()
                )
                SELECT topic, partition, first_offset, last_offset, attempts FROM dead
                ORDER BY topic, partition, first_offset"""  # noqa: S608
        )
        self._clear = text(f"DELETE FROM {table} WHERE {_PARTITION}")  # noqa: S608
        self._insert = text(
            f"INSERT INTO {table} ({_COLUMNS})"  # noqa: S608
            " VALUES (:group, :topic, :partition, :first, :last, :count, :owner_a, :owner_b)"
        )
        self._start = text(
            f"INSERT INTO {table} ({_COLUMNS})"  # noqa: S608
            " VALUES (:group, :topic, :partition, :offset, :offset, 1, :owner_a, :owner_b)"
            " ON CONFLICT (group_id, topic, partition, first_offset) DO UPDATE"
            f" SET attempts = {TABLE}.attempts + 1, last_offset = EXCLUDED.last_offset, started_at = now(),"
            " owner_a = EXCLUDED.owner_a, owner_b = EXCLUDED.owner_b"
        )
        self._set_count = text(
            f"UPDATE {table} SET attempts = :count WHERE {_PARTITION} AND first_offset = :offset AND {_MINE}"  # noqa: S608
        )
        self._delete = text(
            f"""DELETE FROM {table} a USING {_UNNEST}) AS d(topic, partition, first_offset)
                WHERE a.group_id = :group AND a.topic = d.topic AND a.partition = d.partition
                  AND a.first_offset = d.first_offset AND {_MINE_A}"""  # noqa: S608
        )

    async def create_table(self) -> None:
        async with self._engine.begin() as connection:
            # Instances starting at once must not race on CREATE TABLE IF NOT EXISTS (a unique violation).
            await connection.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": self._table})
            await connection.execute(self._create)
            await connection.execute(self._add_owner)

    async def begin(self, spans: Sequence[Span]) -> dict[TopicPartition, list[Attempts]]:
        values = {
            "group": self._group,
            "topics": [span.partition.topic for span in spans],
            "partitions": [span.partition.partition for span in spans],
            "firsts": [span.first for span in spans],
            "lasts": [span.last for span in spans],
            **self._owner,
        }
        rows = (await self._execute(self._begin, values)).all()
        found: dict[TopicPartition, list[Attempts]] = {}
        for topic, partition, first, last, count in rows:
            found.setdefault(TopicPartition(topic, partition), []).append(Attempts(first, last, count))
        return found

    async def replace(self, partition: TopicPartition, rows: Sequence[Attempts]) -> None:
        where = self._where(partition)
        async with self._engine.begin() as connection:
            await connection.execute(self._clear, where)
            if rows:
                await connection.execute(
                    self._insert, [{**where, "first": row.first, "last": row.last, "count": row.count} for row in rows]
                )

    async def start(self, partition: TopicPartition, offset: int) -> None:
        await self._execute(self._start, {**self._where(partition), "offset": offset})

    async def set_count(self, partition: TopicPartition, offset: int, count: int) -> None:
        if count:
            await self._execute(self._set_count, {**self._where(partition), "offset": offset, "count": count})
        else:
            await self.finish([(partition, offset)])

    async def finish(self, starts: Sequence[tuple[TopicPartition, int]]) -> None:
        if not starts:
            return
        values = {
            "group": self._group,
            "topics": [tp.topic for tp, _ in starts],
            "partitions": [tp.partition for tp, _ in starts],
            "firsts": [first for _, first in starts],
            **self._owner,
        }
        await self._execute(self._delete, values)

    async def close(self) -> None:
        await self._drop()  # the session ends, as at a death: nothing of ours is left unfinished by then

    async def _execute(self, statement: TextClause, values: Mapping[str, object]) -> CursorResult[Any]:
        if self._connection is None:
            connection = await self._engine.connect()
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            try:  # held for the session: while it is, this process's rows are no deaths
                await connection.execute(text("SELECT pg_advisory_lock(:owner_a, :owner_b)"), self._owner)
            except Exception:
                await connection.close()
                raise
            self._connection = connection
        try:
            return await self._connection.execute(statement, values)
        except Exception:
            await self._drop()
            raise

    async def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                # Not back into the pool: it may be broken, and a pooled session would keep our lock.
                await connection.invalidate()
                await connection.close()

    def _where(self, partition: TopicPartition) -> dict[str, object]:
        return {"group": self._group, "topic": partition.topic, "partition": partition.partition, **self._owner}


__all__ = ["PostgresAttemptStore"]
