"""Reading the registry for the compact index: all of it with its version (to build a snapshot), or the
vehicles changed since a version (a delta). Each read is one repeatable-read transaction, so the version
and the rows belong together even while an import commits."""

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from anpr_rules.adapters.registry_versions import deltas_between, newest_stamp
from anpr_rules.adapters.vehicle_snapshot import Stamp
from anpr_rules.adapters.vehicle_store import asyncpg_connection, vehicle_from_row
from anpr_rules.domain.vehicle import Vehicle

_ALL = """
SELECT plate, kind, category, first_admission, max_mass_kg, empty_mass_kg, fuels, emission_class,
       special_codes, body_codes, inrichting
FROM rules.vehicles
"""
_CHANGED = """
SELECT c.plate, v.plate IS NOT NULL AS present, v.kind, v.category, v.first_admission, v.max_mass_kg,
       v.empty_mass_kg, v.fuels, v.emission_class, v.special_codes, v.body_codes, v.inrichting
FROM (SELECT DISTINCT plate FROM rules.vehicle_changes WHERE version > $1 AND version <= $2) AS c
LEFT JOIN rules.vehicles AS v ON v.plate = c.plate
"""


@asynccontextmanager
async def reading_registry(
    engine: AsyncEngine, batch: int = 20_000
) -> AsyncIterator[tuple[Stamp, AsyncIterator[Sequence[Vehicle]]]]:
    """The newest version and every vehicle in it, in chunks of `batch` (bounded memory)."""
    async with asyncpg_connection(engine) as pg, pg.transaction(isolation="repeatable_read", readonly=True):
        stamp = await newest_stamp(pg)

        async def chunks() -> AsyncIterator[Sequence[Vehicle]]:
            cursor = await pg.cursor(_ALL)
            shared: dict[Any, Any] = {}
            while records := await cursor.fetch(batch):
                yield [vehicle_from_row(record, shared) for record in records]

        yield stamp, chunks()


async def changes_since(engine: AsyncEngine, version: int) -> tuple[Stamp, list[tuple[str, Vehicle | None]]] | None:
    """The newest version and each plate changed after `version` with its vehicle now (None: removed);
    None when a version in between kept no delta (too large, or too old): rebuild instead."""
    async with asyncpg_connection(engine) as pg, pg.transaction(isolation="repeatable_read", readonly=True):
        stamp = await newest_stamp(pg)
        if stamp.version <= version:
            return stamp, []
        if not await deltas_between(pg, version, stamp.version):
            return None
        rows = await pg.fetch(_CHANGED, version, stamp.version)
    return stamp, [(row["plate"], vehicle_from_row(row) if row["present"] else None) for row in rows]
