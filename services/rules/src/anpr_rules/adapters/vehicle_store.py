"""The vehicle registry (`rules.vehicles`): read it as domain vehicles in bounded memory, and replace
its content with what the RDW import staged.

Make, model and colour are stored but never streamed (`_ALL` names its columns): the index stays as
small as judging needs; the reviewer's description is read per plate (`vehicle_descriptions`).

The rules service builds its in-memory index from `stream_vehicles` at start: millions of rows, so
they come in batches from a server-side cursor on asyncpg directly (SQLAlchemy's row layer would
double the time for nothing here).
"""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from anpr_rules.adapters.registry_versions import next_version
from anpr_rules.adapters.tables import vehicles
from anpr_rules.domain.vehicle import Vehicle

T = TypeVar("T")
_ALL = """
SELECT plate, kind, category, first_admission, max_mass_kg, empty_mass_kg, fuels, emission_class,
       special_codes, body_codes, inrichting
FROM rules.vehicles
"""


async def stream_vehicles(engine: AsyncEngine, batch: int = 10000) -> AsyncIterator[Vehicle]:
    """Every vehicle once, from one snapshot (an import committing meanwhile is not half seen); at most
    `batch` rows in memory at a time. Holds a pooled connection until exhausted: iterate to the end or
    close it (`contextlib.aclosing`)."""
    async with asyncpg_connection(engine) as pg, pg.transaction(isolation="repeatable_read", readonly=True):
        # Repeatable read + read only: a consistent snapshot without blocking the importer.
        cursor = await pg.cursor(_ALL)
        shared: dict[Any, Any] = {}
        while records := await cursor.fetch(batch):
            for record in records:
                yield vehicle_from_row(record, shared)


@asynccontextmanager
async def asyncpg_connection(engine: AsyncEngine) -> AsyncIterator[Any]:
    """The asyncpg connection under a pooled SQLAlchemy one, for COPY and cursors; back to the pool after."""
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert raw.driver_connection is not None, "the engine's pool hands out no driver connection"
        yield raw.driver_connection


async def count_vehicles(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(select(func.count()).select_from(vehicles))).scalar_one())


def vehicle_from_row(row: Mapping[str, Any], shared: dict[Any, Any] | None = None) -> Vehicle:
    """A registry row (asyncpg record or SQLAlchemy row mapping) as the domain sees it. With `shared`,
    equal values (kinds, fuels, codes, dates, masses: few distinct among millions) become one object:
    an index of a million vehicles takes 340 MB instead of 820 MB."""

    def one(value: T) -> T:
        return value if shared is None else shared.setdefault(value, value)

    return Vehicle(
        plate=row["plate"],
        kind=one(row["kind"]),
        category=one(row["category"]),
        first_admission=one(row["first_admission"]),
        max_mass_kg=one(row["max_mass_kg"]),
        empty_mass_kg=one(row["empty_mass_kg"]),
        fuels=one(tuple(row["fuels"])),
        registered_emission_class=row["emission_class"],
        special_codes=one(tuple(row["special_codes"])),
        body_codes=one(tuple(row["body_codes"])),
        inrichting=one(row["inrichting"]),
    )


@dataclass(frozen=True)
class Replaced:
    vehicles: int  # in the registry now
    added: int
    changed: int
    removed: int
    version: int = 0  # the registry version it is now (`registry_versions`)


# One row per plate from the staged files: the first base row of a plate wins; hybrids keep every fuel
# in file order and the lowest stated emission class; codes once each.
_BUILD = """
INSERT INTO rdw_next (plate, kind, category, first_admission, max_mass_kg, empty_mass_kg, fuels, emission_class,
                      special_codes, body_codes, inrichting, make, model, colour)
SELECT b.plate, b.kind, b.category, b.first_admission, b.max_mass_kg, b.empty_mass_kg,
       coalesce(f.fuels, '{}'), f.emission_class, coalesce(s.codes, '{}'), coalesce(c.codes, '{}'), b.inrichting,
       b.make, b.model, b.colour
FROM (SELECT DISTINCT ON (plate) * FROM rules.rdw_base ORDER BY plate, line) AS b
LEFT JOIN (SELECT plate, array_agg(fuel ORDER BY seq, line) AS fuels, min(emission_class) AS emission_class
           FROM rules.rdw_fuel GROUP BY plate) AS f USING (plate)
LEFT JOIN (SELECT plate, array_agg(DISTINCT code) AS codes FROM rules.rdw_special GROUP BY plate) AS s USING (plate)
LEFT JOIN (SELECT plate, array_agg(DISTINCT code) AS codes FROM rules.rdw_body GROUP BY plate) AS c USING (plate)
"""
# Each statement writes the plates it touched into rdw_changed: the version's delta (`registry_versions`).
_REMOVE = """
WITH gone AS (DELETE FROM rules.vehicles AS v WHERE NOT EXISTS (SELECT 1 FROM rdw_next AS n WHERE n.plate = v.plate)
              RETURNING v.plate)
INSERT INTO rdw_changed SELECT plate FROM gone
"""
_CHANGE = """
WITH changed AS (
UPDATE rules.vehicles AS v
SET kind = n.kind, category = n.category, first_admission = n.first_admission, max_mass_kg = n.max_mass_kg,
    empty_mass_kg = n.empty_mass_kg, fuels = n.fuels, emission_class = n.emission_class,
    special_codes = n.special_codes, body_codes = n.body_codes, inrichting = n.inrichting,
    make = n.make, model = n.model, colour = n.colour
FROM rdw_next AS n
WHERE v.plate = n.plate
  AND (v.kind, v.category, v.first_admission, v.max_mass_kg, v.empty_mass_kg, v.fuels, v.emission_class,
       v.special_codes, v.body_codes, v.inrichting, v.make, v.model, v.colour)
      IS DISTINCT FROM
      (n.kind, n.category, n.first_admission, n.max_mass_kg, n.empty_mass_kg, n.fuels, n.emission_class,
       n.special_codes, n.body_codes, n.inrichting, n.make, n.model, n.colour)
RETURNING v.plate)
INSERT INTO rdw_changed SELECT plate FROM changed
"""
# rdw_next is LIKE rules.vehicles: the same columns in the same order.
_ADD = """
WITH added AS (
INSERT INTO rules.vehicles
SELECT n.* FROM rdw_next AS n WHERE NOT EXISTS (SELECT 1 FROM rules.vehicles AS v WHERE v.plate = n.plate)
RETURNING plate)
INSERT INTO rdw_changed SELECT plate FROM added
"""
_STAGING = "rules.rdw_base, rules.rdw_fuel, rules.rdw_special, rules.rdw_body"


async def replace_from_staging(pg: Any) -> Replaced:
    """Make `rules.vehicles` equal to the staged RDW files in one transaction, touching only rows that
    differ: readers never wait for it nor see half of it, and re-importing the same files writes nothing.
    (Truncate + insert would lock readers out for the whole build; a table swap would invalidate the
    prepared statements of every pooled connection.)"""
    async with pg.transaction():
        await pg.execute("SET LOCAL work_mem = '256MB'")  # fewer sorts and hashes of millions of rows on disk
        await pg.execute("CREATE TEMP TABLE rdw_next (LIKE rules.vehicles) ON COMMIT DROP")
        await pg.execute("CREATE TEMP TABLE rdw_changed (plate varchar(16)) ON COMMIT DROP")
        vehicles = _count(await pg.execute(_BUILD))
        await pg.execute("ANALYZE rdw_next")
        removed = _count(await pg.execute(_REMOVE))
        changed = _count(await pg.execute(_CHANGE))
        added = _count(await pg.execute(_ADD))
        version = await next_version(pg, vehicles, removed + changed + added)
    await pg.execute(f"TRUNCATE {_STAGING}")  # no second copy of the national registry lying around
    return Replaced(vehicles=vehicles, added=added, changed=changed, removed=removed, version=version)


def _count(status: str) -> int:
    """Rows affected, from a command status such as "INSERT 0 12" or "UPDATE 3"."""
    return int(status.rsplit(" ", 1)[-1])
