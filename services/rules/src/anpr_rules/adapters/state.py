from collections import Counter
from collections.abc import Collection
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from sqlalchemy import delete, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from anpr_contracts import PlateRecognized, event_to_bytes, parse_event
from anpr_rules.adapters.state_tables import candidate_marks, rechecks, stays
from anpr_runtime import RetriableError

# Plain SQL with bind parameters: SQLAlchemy cannot cache the compiled form of an ON CONFLICT construct
# ("no key"), so building these with pg_insert compiled them again for every read, the largest CPU cost of
# judging one (py-spy during `anpr bench pipeline`). A TextClause is compiled once.
_COUNT = text(
    "INSERT INTO rules.outcome_counts (regime_id, location_id, hour, outcome, count)"
    " VALUES (:regime_id, :location_id, :hour, :outcome, 1)"
    " ON CONFLICT (regime_id, location_id, hour, outcome) DO UPDATE SET count = outcome_counts.count + 1"
)
_ADD_COUNTS = text(
    "INSERT INTO rules.outcome_counts (regime_id, location_id, hour, outcome, count)"
    " VALUES (:regime_id, :location_id, :hour, :outcome, :n)"
    " ON CONFLICT (regime_id, location_id, hour, outcome) DO UPDATE SET count = outcome_counts.count + :n"
)
_MARK = text(
    "INSERT INTO rules.candidate_marks (vehicle_key, regime_id, period, created_at)"
    " VALUES (:vehicle_key, :regime_id, :period, :created_at) ON CONFLICT DO NOTHING"
)

# Many marks in one statement: the arrays are unnested into rows; rowcount says how many were new.
_ADD_MARKS = text(
    "INSERT INTO rules.candidate_marks (vehicle_key, regime_id, period, created_at)"
    " SELECT * FROM unnest(CAST(:keys AS text[]), CAST(:regimes AS text[]), CAST(:periods AS text[]),"
    " CAST(:at AS timestamptz[])) ON CONFLICT DO NOTHING"
)
# A join on the unnested keys, not `vehicle_key = ANY(:keys)`: the statement is prepared, and once
# PostgreSQL switches to its generic plan (the array then a parameter, not a constant) made while the
# table was young, `= ANY` ran as a sequential scan comparing every row with every key in turn: 54 ms a
# batch of 500 reads at 12,000 marks, most of PostgreSQL's CPU in `anpr bench pipeline`. The join is a
# hash join or index lookups under any plan.
_MARKS_OF = text(
    "SELECT m.vehicle_key, m.regime_id, m.period FROM unnest(CAST(:keys AS text[])) AS k(vehicle_key)"
    " JOIN rules.candidate_marks AS m ON m.vehicle_key = k.vehicle_key"
)


class PostgresRulesState:
    """Runs in the caller's transaction, so state and the consumer's work commit together."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def count(self, regime_id: str, location_id: str, hour: datetime, outcome: str) -> None:
        row = {"regime_id": regime_id, "location_id": location_id, "hour": hour, "outcome": outcome}
        await self._db.execute(_COUNT, row)

    async def mark_candidate(self, vehicle_key: str, regime_id: str, period: str, now: datetime) -> bool:
        row = {"vehicle_key": vehicle_key, "regime_id": regime_id, "period": period, "created_at": now}
        result = await self._db.execute(_MARK, row)
        return result.rowcount == 1

    async def record_entry(self, vehicle_key: str, regime_id: str, day: str, at: datetime) -> None:
        statement = pg_insert(stays).values(
            vehicle_key=vehicle_key, regime_id=regime_id, day=day, entered_at=at, seconds=0, updated_at=at
        )
        await self._db.execute(
            statement.on_conflict_do_update(
                index_elements=list(stays.primary_key.columns), set_={"entered_at": at, "updated_at": at}
            )
        )

    async def record_exit(self, vehicle_key: str, regime_id: str, at: datetime) -> tuple[timedelta, str]:
        """Close the open stay (whatever day it began) and return that day's total and the day."""
        open_stay = (
            select(stays)
            .where(stays.c.vehicle_key == vehicle_key, stays.c.regime_id == regime_id, stays.c.entered_at.is_not(None))
            .order_by(stays.c.entered_at.desc())
            .limit(1)
            .with_for_update()
        )
        row = (await self._db.execute(open_stay)).first()
        if row is None:
            return timedelta(0), ""  # an exit without a seen entry: nothing to add
        key = (stays.c.vehicle_key == vehicle_key, stays.c.regime_id == regime_id, stays.c.day == row.day)
        seconds = row.seconds
        if row.entered_at is not None and at > row.entered_at:
            seconds += int((at - row.entered_at).total_seconds())
        await self._db.execute(stays.update().where(*key).values(seconds=seconds, entered_at=None, updated_at=at))
        return timedelta(seconds=seconds), row.day

    async def schedule_recheck(self, read: PlateRecognized, regime_id: str, due: datetime) -> None:
        await self._db.execute(
            pg_insert(rechecks).values(recheck_id=uuid4(), regime_id=regime_id, due_at=due, read=event_to_bytes(read))
        )

    async def due_rechecks(self, now: datetime, limit: int) -> list[tuple[UUID, str, PlateRecognized]]:
        rows = await self._db.execute(
            select(rechecks)
            .where(rechecks.c.due_at <= now)
            .order_by(rechecks.c.due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)  # two rules instances never take the same recheck
        )
        found = []
        for row in rows:
            read = parse_event(row.read)
            assert isinstance(read, PlateRecognized)
            found.append((row.recheck_id, row.regime_id, read))
        return found

    async def drop_recheck(self, recheck_id: UUID) -> None:
        await self._db.execute(delete(rechecks).where(rechecks.c.recheck_id == recheck_id))

    async def purge(self, stays_before: datetime, marks_before: datetime) -> None:
        await self._db.execute(delete(stays).where(stays.c.updated_at < stays_before))
        await self._db.execute(delete(candidate_marks).where(candidate_marks.c.created_at < marks_before))


class MarkedMeanwhile(RetriableError):
    """Another transaction set a candidate mark this batch counted on: the batch is judged again."""


class BatchState(PostgresRulesState):
    """For a batch in one transaction, the two writes of nearly every read kept in memory until `flush`:
    outcome counts summed, one upsert per (regime, location, hour, outcome); candidate marks answered from
    the marks of the batch's vehicles read at once (`load_marks`) and written in one statement.

    The marks' answers hold only if nobody else marks the same vehicle meanwhile (a vehicle's reads share a
    partition, so that is a rebalance's overlap, or a reviewer's correction): `flush` then raises
    MarkedMeanwhile before anything is published, and the records are judged again one by one."""

    def __init__(self, connection: AsyncConnection) -> None:
        super().__init__(connection)
        self._counts: Counter[tuple[str, str, datetime, str]] = Counter()
        self._loaded: set[str] = set()  # vehicles whose marks were read: only theirs are answered here
        self._marked: set[tuple[str, str, str]] = set()
        self._new_marks: list[tuple[str, str, str, datetime]] = []

    async def count(self, regime_id: str, location_id: str, hour: datetime, outcome: str) -> None:
        self._counts[(regime_id, location_id, hour, outcome)] += 1

    async def load_marks(self, vehicle_keys: Collection[str]) -> None:
        keys = sorted(set(vehicle_keys) - self._loaded)
        rows = await self._db.execute(_MARKS_OF, {"keys": keys})
        self._marked.update((row.vehicle_key, row.regime_id, row.period) for row in rows)
        self._loaded.update(keys)

    async def mark_candidate(self, vehicle_key: str, regime_id: str, period: str, now: datetime) -> bool:
        if vehicle_key not in self._loaded:
            return await super().mark_candidate(vehicle_key, regime_id, period, now)
        mark = (vehicle_key, regime_id, period)
        if mark in self._marked:
            return False
        self._marked.add(mark)
        self._new_marks.append((*mark, now))
        return True

    async def flush(self) -> None:
        await self.flush_counts()
        marks, self._new_marks = sorted(self._new_marks), []  # sorted: one lock order
        if marks:
            keys, regimes, periods, at = (list(column) for column in zip(*marks, strict=True))
            result = await self._db.execute(
                _ADD_MARKS, {"keys": keys, "regimes": regimes, "periods": periods, "at": at}
            )
            if result.rowcount != len(marks):
                raise MarkedMeanwhile(f"{len(marks) - result.rowcount} candidate marks were set meanwhile")

    async def flush_counts(self) -> None:
        counts, self._counts = self._counts, Counter()
        rows = [
            {"regime_id": regime, "location_id": location, "hour": hour, "outcome": outcome, "n": n}
            for (regime, location, hour, outcome), n in sorted(counts.items())  # sorted: one lock order
        ]
        if rows:
            await self._db.execute(_ADD_COUNTS, rows)
