"""Import RDW open-data CSV exports (base m9d7-ebf2 + fuel 8ys7-d773) into the vehicle registry.

Accepts both header styles the RDW publishes: API names (`datum_eerste_toelating`) and the CSV
download's labels (`Datum eerste toelating`). All values arrive as strings.
"""

import csv
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from anpr_rules.adapters.tables import vehicles

BATCH = 1000


def _column(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None:
            return
        reader.fieldnames = [_column(f) for f in reader.fieldnames]
        yield from reader


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


def _date(value: str | None) -> date | None:
    """None for an empty or impossible date ("00000000"): one bad row must not abort a national import."""
    try:
        return _parse_date((value or "").strip())
    except ValueError:
        return None


def _parse_date(text: str) -> date | None:
    if len(text) == 8 and text.isdigit():
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    if len(text) >= 10 and text[4] == "-":  # the CSV download writes dates as 2003-05-14 or 14/05/2003
        return date.fromisoformat(text[:10])
    if len(text) == 10 and text[2] == "/":
        return date(int(text[6:]), int(text[3:5]), int(text[:2]))
    return None


def _emission_class(value: str | None) -> int | None:
    digits = re.findall(r"\d", value or "")
    return int(digits[0]) if digits else None


def read_fuels(path: Path) -> dict[str, tuple[list[str], int | None]]:
    fuels: dict[str, list[str]] = defaultdict(list)
    classes: dict[str, int] = {}
    for row in _rows(path):
        plate = row["kenteken"].strip().upper()
        fuels[plate].append(row.get("brandstof_omschrijving", "").strip())
        found = _emission_class(row.get("emissiecode_omschrijving"))
        if found is not None:
            # Hybrids have several rows: the registered class is the lowest stated.
            classes[plate] = min(found, classes.get(plate, found))
    return {plate: (names, classes.get(plate)) for plate, names in fuels.items()}


def vehicle_rows(base: Path, fuels: dict[str, tuple[list[str], int | None]]) -> Iterator[dict[str, Any]]:
    for row in _rows(base):
        plate = row["kenteken"].strip().upper()
        names, klass = fuels.get(plate, ([], None))
        yield {
            "plate": plate,
            "kind": row.get("voertuigsoort", "").strip(),
            "category": (row.get("europese_voertuigcategorie") or "").strip() or None,
            "first_admission": _date(row.get("datum_eerste_toelating")),
            "max_mass_kg": _int(row.get("toegestane_maximum_massa_voertuig")),
            "empty_mass_kg": _int(row.get("massa_rijklaar")),
            "fuels": names,
            "emission_class": klass,
        }


async def import_vehicles(
    engine: AsyncEngine, base: Path, fuel: Path, progress: Callable[[int], None] = lambda _: None
) -> int:
    fuels = read_fuels(fuel)
    total = 0
    batch: list[dict[str, Any]] = []

    async def flush() -> None:
        statement = pg_insert(vehicles).values(batch)
        update = {c.name: statement.excluded[c.name] for c in vehicles.columns if c.name != "plate"}
        async with engine.begin() as connection:
            await connection.execute(statement.on_conflict_do_update(index_elements=["plate"], set_=update))
        progress(len(batch))

    for row in vehicle_rows(base, fuels):
        batch.append(row)
        if len(batch) == BATCH:
            await flush()
            total += len(batch)
            batch = []
    if batch:
        await flush()
        total += len(batch)
    return total
