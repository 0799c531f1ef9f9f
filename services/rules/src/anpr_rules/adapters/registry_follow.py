"""Keeps an instance's compact index on the newest registry version, without anyone calling it.

At start: the newest snapshot in the snapshot directory, if it is whole, made with this pseudonym key
and of a version this database knows, caught up with the deltas since; otherwise one built from
PostgreSQL (streamed) and written there for the next start. Then every few seconds
(`ANPR_RULES_REGISTRY_POLL_SECONDS`) the newest version is read: a newer snapshot in the directory (the
import writes one) is mapped, else the changed plates are applied as a delta, else (deltas pruned, too
large) the snapshot is rebuilt. Reads are judged against the previous registry until the new one is
swapped in whole."""

import asyncio
import logging
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from anpr_rules.adapters.compact_index import CompactVehicleIndex
from anpr_rules.adapters.registry_feed import changes_since, reading_registry
from anpr_rules.adapters.registry_versions import newest_stamp, stamp_of
from anpr_rules.adapters.vehicle_snapshot import (
    Snapshot,
    SnapshotBuilder,
    SnapshotRefused,
    Stamp,
    in_memory,
    newest,
    open_snapshot,
    prune,
    version_of,
    write_columns,
)
from anpr_rules.adapters.vehicle_store import asyncpg_connection

log = logging.getLogger(__name__)
COMPACT_AT = 250_000  # changes held beside the snapshot before a new snapshot is written instead


class RegistryFollower:
    def __init__(self, index: CompactVehicleIndex, engine: AsyncEngine, directory: Path, pseudonym_key: str) -> None:
        self._index = index
        self._engine = engine
        self._directory = directory
        self._key = pseudonym_key
        self._lock = asyncio.Lock()  # the poll and POST /v1/vehicles/reload never build at once

    async def start(self) -> int:
        async with self._lock:
            snapshot = await self._usable_snapshot()
            if snapshot is None or not await self._use_and_catch_up(snapshot):
                await self._rebuild()
            return len(self._index)

    async def rebuild(self) -> int:
        """A new snapshot from PostgreSQL, whatever the versions say (POST /v1/vehicles/reload)."""
        async with self._lock:
            await self._rebuild()
            return len(self._index)

    async def follow(self) -> bool:
        """One poll: True when the index moved to another registry version."""
        async with self._lock:
            held = self._index.stamp
            async with asyncpg_connection(self._engine) as pg:
                now = await newest_stamp(pg)
                still = held is not None and await stamp_of(pg, held.version) == held
            if held == now:
                return False
            if not still or held is None:  # this database no longer knows our version: rebuilt or restored
                await self._rebuild()
                return True
            snapshot = await self._usable_snapshot(newer_than=held.version)
            if snapshot is not None:
                if await self._use_and_catch_up(snapshot):
                    return True
            elif await self._catch_up():
                return True
            await self._rebuild()
            return True

    async def _usable_snapshot(self, newer_than: int = -1) -> Snapshot | None:
        path = newest(self._directory)
        if path is None:
            if newer_than < 0:
                log.info("no vehicle snapshot in %s: building one from PostgreSQL", self._directory)
            return None
        if version_of(path) <= newer_than:
            return None  # nothing newer than what we hold: not worth checking a file of hundreds of MB again
        try:
            snapshot = await asyncio.to_thread(open_snapshot, path, self._index.fingerprint)
            async with asyncpg_connection(self._engine) as pg:
                known = await stamp_of(pg, snapshot.stamp.version)
            if known != snapshot.stamp:
                raise SnapshotRefused(f"{path.name}: registry version {snapshot.stamp.version} of another database")
        except SnapshotRefused as exc:
            log.warning("vehicle snapshot refused, rebuilding it from PostgreSQL: %s", exc)
            return None
        return snapshot

    async def _use_and_catch_up(self, snapshot: Snapshot) -> bool:
        previous = self._index.generation
        self._index.use(snapshot)
        if await self._catch_up():
            return True
        self._index.generation = previous  # keep judging with what we had while the rebuild runs
        return False

    async def _catch_up(self) -> bool:
        held = self._index.stamp
        assert held is not None
        found = await changes_since(self._engine, held.version)
        if found is None:
            log.info("registry version %d: no delta since %d kept, rebuilding the snapshot", held.version, held.version)
            return False
        stamp, changed = found
        if changed or stamp != held:
            count = self._index.apply(stamp, changed)
            log.info("vehicle registry version %d: %d changes applied, %d vehicles", stamp.version, len(changed), count)
        return self._index.pending_changes <= COMPACT_AT

    async def _rebuild(self) -> None:
        builder = SnapshotBuilder(self._key)
        async with reading_registry(self._engine) as (stamp, chunks):
            async for chunk in chunks:
                await asyncio.to_thread(builder.add, chunk)
        columns, dictionaries = await asyncio.to_thread(builder.finish)
        try:
            path = await asyncio.to_thread(
                write_columns, self._directory, stamp, self._index.fingerprint, columns, dictionaries
            )
            snapshot = await asyncio.to_thread(open_snapshot, path, self._index.fingerprint)
            prune(self._directory, path)
        except OSError as exc:  # a read-only or full volume: judge all the same, from memory
            log.warning(
                "vehicle snapshot not written to %s (%s): the index is held in memory, the next start builds it again",
                self._directory,
                exc,
            )
            snapshot = in_memory(stamp, columns, dictionaries)
        del columns
        self._index.use(snapshot)
        # An import may have committed since the build read its version: its delta brings us level.
        await self._catch_up()
        log.info("vehicle registry version %d: %d vehicles from a new snapshot", stamp.version, len(self._index))


async def build_snapshot(engine: AsyncEngine, directory: Path, pseudonym_key: str) -> tuple[Path, Stamp]:
    """The import's part: a snapshot of the registry as it now stands, for instances to map at start."""
    builder = SnapshotBuilder(pseudonym_key)
    async with reading_registry(engine) as (stamp, chunks):
        async for chunk in chunks:
            builder.add(chunk)
    path = await asyncio.to_thread(builder.write, directory, stamp)
    prune(directory, path)
    return path, stamp
