"""Import RDW open-data CSV exports into the vehicle registry, in bounded memory (the files and their
columns: `rdw_files`).

Each file streams into its own staging table (COPY in batches: one batch in memory at a time), then
`vehicle_store.replace_from_staging` makes `rules.vehicles` equal to them in one transaction.
"""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncEngine

from anpr_rules.adapters.rdw_files import BASE, BODY, FUEL, SPECIAL, FileCounts, RdwImportError, Source, read_records
from anpr_rules.adapters.vehicle_store import Replaced, asyncpg_connection, replace_from_staging

BATCH = 20_000


class ImportProgress(Protocol):
    def advance(self, role: str, nbytes: int) -> None: ...
    def building(self) -> None: ...


class _Quiet:
    def advance(self, role: str, nbytes: int) -> None:
        pass

    def building(self) -> None:
        pass


@dataclass(frozen=True)
class ImportReport:
    files: dict[str, FileCounts]  # by role: base, fuel, special, body
    registry: Replaced
    duplicates: int  # base rows of a plate seen earlier in the file (the first one counts)


async def _stage(pg: Any, source: Source, paths: Sequence[Path], progress: ImportProgress, batch: int) -> FileCounts:
    counts = FileCounts()
    columns = [column.name for column in source.table.columns]
    await pg.execute(f"TRUNCATE {source.table.fullname}")
    for path in paths:
        records = read_records(path, source, counts)
        reported = counts.bytes_read = 0
        while chunk := list(itertools.islice(records, batch)):
            await pg.copy_records_to_table(
                source.table.name, schema_name=source.table.schema, columns=columns, records=chunk
            )
            progress.advance(source.role, counts.bytes_read - reported)
            reported = counts.bytes_read
        progress.advance(source.role, counts.bytes_read - reported)
    await pg.execute(f"ANALYZE {source.table.fullname}")  # the build's joins need real row counts
    return counts


async def import_vehicles(
    engine: AsyncEngine,
    base: Path,
    fuel: Path,
    special: Sequence[Path] = (),
    body: Sequence[Path] = (),
    progress: ImportProgress | None = None,
    batch: int = BATCH,
) -> ImportReport:
    """Make the registry what these files say. Without special or body files no vehicle has those codes."""
    progress = progress or _Quiet()
    files: dict[str, FileCounts] = {}
    async with asyncpg_connection(engine) as pg:
        # One import at a time (the staging tables are shared); a session lock, so a crash releases it.
        if not await pg.fetchval("SELECT pg_try_advisory_lock(hashtext('rules.rdw_import'))"):
            raise RdwImportError("another vehicle import is running")
        try:
            for source, paths in ((BASE, [base]), (FUEL, [fuel]), (SPECIAL, special), (BODY, body)):
                files[source.role] = await _stage(pg, source, paths, progress, batch)
            if not (kept := files["base"].rows - files["base"].skipped):
                raise RdwImportError(f"{base.name}: no vehicle in it; the registry is left as it was")
            progress.building()
            replaced = await replace_from_staging(pg)
        finally:
            await pg.execute("SELECT pg_advisory_unlock(hashtext('rules.rdw_import'))")
    return ImportReport(files, replaced, duplicates=kept - replaced.vehicles)
