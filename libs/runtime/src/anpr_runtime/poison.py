"""A message that killed its consumer twice goes to the dead letters instead of killing a third process.

A process that dies for memory or by a native crash (an image bomb, a decoder bug) runs no `except` and
no `finally`: the message is redelivered to the next process, which dies too, until the topic's
retention ends. So what is in flight is written down first and crossed off when done; what is still
written down when a consumer starts on those offsets again was in flight when a process died.

Per poll, each partition's fetched range is one row (one round trip before, one after the commit). When
a range comes back with a death on it, its messages are handled one by one, each written down alone,
so the next death names its message: one that was in flight in `max_deaths` deaths is dead-lettered
(`PoisonMessage`) unread. The range of a death counts for every message in it, so a message dies alone
at most once after the batch it came in killed a process.

Only a dead process's rows count: a process that lost a partition in a rebalance and is still finishing
what it fetched is alive (the store tells them apart, see attempt_store), so its rows are taken over,
not counted as a death.

The guard fails open: when its store cannot be reached (the database restarting), messages are handled
unguarded rather than not at all.
"""

import itertools
import logging
from collections.abc import Awaitable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from aiokafka import ConsumerRecord, TopicPartition

from anpr_runtime.errors import PermanentError

log = logging.getLogger(__name__)

MAX_DEATHS = 2
Records = Sequence[ConsumerRecord[bytes, bytes]]


@dataclass(frozen=True)
class Attempts:
    """Offsets first..last of a partition were in flight `count` times without being finished."""

    first: int
    last: int
    count: int

    def covers(self, offset: int) -> bool:
        return self.first <= offset <= self.last


@dataclass(frozen=True)
class Span:
    """A fetched range of one partition."""

    partition: TopicPartition
    first: int
    last: int


class PoisonMessage(PermanentError):
    """Dead-lettered unread: consumer processes died while it was in flight."""


def deaths_at(rows: Iterable[Attempts], offset: int) -> int:
    return sum(row.count for row in rows if row.covers(offset))


def one_by_one(rows: Sequence[Attempts], offsets: Sequence[int]) -> list[Attempts]:
    """The rows rewritten so each fetched offset with deaths has a row of its own (a death while it is
    handled alone then adds to it only); the parts of the rows past the fetched offsets stay as they were."""
    single = [Attempts(offset, offset, n) for offset in offsets if (n := deaths_at(rows, offset))]
    end = max(offsets)
    beyond = [Attempts(max(row.first, end + 1), row.last, row.count) for row in rows if row.last > end]
    return single + beyond


class AttemptStore(Protocol):
    """Where attempts are written down; it must outlive the process (PostgreSQL: see attempt_store)."""

    async def begin(self, spans: Sequence[Span]) -> dict[TopicPartition, list[Attempts]]:
        """The rows dead processes left on these partitions; each span of a partition without such rows is
        stored as this process's (count 1)."""
        ...

    async def replace(self, partition: TopicPartition, rows: Sequence[Attempts]) -> None: ...
    async def start(self, partition: TopicPartition, offset: int) -> None:
        """Add one to the row of this single offset (a new row of 1 when it has none)."""
        ...

    async def set_count(self, partition: TopicPartition, offset: int, count: int) -> None:
        """The row of this single offset back to `count` (deleted at 0)."""
        ...

    async def finish(self, starts: Sequence[tuple[TopicPartition, int]]) -> None:
        """Delete the rows that begin at these offsets."""
        ...

    async def close(self) -> None: ...


class PoisonGuard:
    def __init__(self, store: AttemptStore, group: str, max_deaths: int = MAX_DEATHS) -> None:
        self._store = store
        self._group = group
        self.max_deaths = max_deaths

    async def suspects(self, batches: Mapping[TopicPartition, Records]) -> dict[TopicPartition, dict[int, int]]:
        """Write down what was fetched; return, per partition fetched while a dead process's range covers
        it, the deaths of each of its offsets (those partitions are then handled one message at a time)."""
        spans = [Span(tp, records[0].offset, records[-1].offset) for tp, records in batches.items() if records]
        try:
            earlier = await self._store.begin(spans)
            found: dict[TopicPartition, dict[int, int]] = {}
            for tp, rows in earlier.items():
                offsets = [record.offset for record in batches[tp]]
                alive = [row for row in rows if row.last >= offsets[0]]  # older ones were committed since
                deaths = {offset: n for offset in offsets if (n := deaths_at(alive, offset))}
                if deaths:
                    await self._store.replace(tp, one_by_one(alive, offsets))
                    found[tp] = deaths
                    log.warning(
                        "%s: a consumer died with offsets %d..%d in flight: handling them one by one",
                        tp,
                        min(deaths),
                        max(deaths),
                        extra={"group": self._group, "topic": tp.topic, "partition": tp.partition},
                    )
                else:
                    await self._store.replace(tp, [*alive, Attempts(offsets[0], offsets[-1], 1)])
            return found
        except Exception as exc:
            log.warning("poison guard unavailable (%s): handling this poll unguarded", type(exc).__name__)
            return {}

    async def finish(self, batches: Mapping[TopicPartition, Records]) -> None:
        await self._quietly(self._store.finish([(tp, records[0].offset) for tp, records in batches.items() if records]))

    async def start_one(self, tp: TopicPartition, offset: int) -> None:
        await self._quietly(self._store.start(tp, offset))

    async def finish_one(self, tp: TopicPartition, offset: int) -> None:
        await self._quietly(self._store.finish([(tp, offset)]))

    async def abandon_one(self, tp: TopicPartition, offset: int, deaths: int) -> None:
        """Left unfinished by a graceful stop: no death to count."""
        await self._quietly(self._store.set_count(tp, offset, deaths))

    async def close(self) -> None:
        await self._quietly(self._store.close())

    def poison(self, deaths: int) -> PoisonMessage:
        return PoisonMessage(
            f"{deaths} consumer processes of group {self._group} died with this message in flight "
            f"(out of memory or a crash): not handled again"
        )

    async def _quietly(self, call: Awaitable[None]) -> None:
        try:
            await call
        except Exception as exc:
            log.warning("poison guard unavailable (%s): going on unguarded", type(exc).__name__)


class FakeAttemptDatabase:
    """What outlives the processes in tests: the rows with their owners, and which owners are alive."""

    def __init__(self) -> None:
        self.rows: dict[TopicPartition, list[tuple[Attempts, int]]] = {}
        self.alive: set[int] = set()
        self.error: Exception | None = None
        self.owners = itertools.count(1)

    def attempts(self) -> dict[TopicPartition, list[Attempts]]:
        return {tp: [attempts for attempts, _ in rows] for tp, rows in self.rows.items() if rows}


class FakeAttemptStore:
    """One process's store over a FakeAttemptDatabase: alive from its first call until it is closed (as a
    process's database session, which ends when the process dies)."""

    def __init__(self, database: FakeAttemptDatabase) -> None:
        self.database = database
        self.owner = next(database.owners)

    async def begin(self, spans: Sequence[Span]) -> dict[TopicPartition, list[Attempts]]:
        rows = self._rows_of()
        earlier: dict[TopicPartition, list[Attempts]] = {}
        for span in spans:
            dead = [a for a, owner in rows.get(span.partition, []) if owner != self.owner and not self._alive(owner)]
            if dead:
                earlier[span.partition] = dead
                continue
            kept = [(a, owner) for a, owner in rows.get(span.partition, []) if a.first != span.first]
            rows[span.partition] = [*kept, (Attempts(span.first, span.last, 1), self.owner)]
        return earlier

    async def replace(self, partition: TopicPartition, rows: Sequence[Attempts]) -> None:
        self._rows_of()[partition] = [(row, self.owner) for row in rows]

    async def start(self, partition: TopicPartition, offset: int) -> None:
        rows = self._rows_of().get(partition, [])
        count = next((a.count for a, _ in rows if a.first == offset), 0)
        kept = [(a, owner) for a, owner in rows if a.first != offset]
        self.database.rows[partition] = [*kept, (Attempts(offset, offset, count + 1), self.owner)]

    async def set_count(self, partition: TopicPartition, offset: int, count: int) -> None:
        rows = self._rows_of().get(partition, [])
        mine = [(a, o) for a, o in rows if a.first == offset and o == self.owner]
        kept = [row for row in rows if row not in mine]
        self.database.rows[partition] = kept + (
            [(Attempts(offset, offset, count), self.owner)] if mine and count else []
        )

    async def finish(self, starts: Sequence[tuple[TopicPartition, int]]) -> None:
        rows = self._rows_of()
        for tp, first in starts:
            rows[tp] = [(a, owner) for a, owner in rows.get(tp, []) if not (a.first == first and owner == self.owner)]

    async def close(self) -> None:
        self.database.alive.discard(self.owner)

    def _alive(self, owner: int) -> bool:
        return owner in self.database.alive

    def _rows_of(self) -> dict[TopicPartition, list[tuple[Attempts, int]]]:
        if self.database.error is not None:
            raise self.database.error
        self.database.alive.add(self.owner)  # connected: its session lock is held from now on
        return self.database.rows


__all__ = [
    "MAX_DEATHS",
    "AttemptStore",
    "Attempts",
    "FakeAttemptDatabase",
    "FakeAttemptStore",
    "PoisonGuard",
    "PoisonMessage",
    "Span",
]
