"""RDW open-data CSV files read as staging records, a row at a time.

Files: base `m9d7-ebf2` and fuel `8ys7-d773` (hybrids have several rows), optionally bijzonderheden
`7ug8-2dtt` and carrosserie `vezc-m2t6` (carrosserietype: SH, SB, SF...) and/or carrosserie specifiek
`jhie-znh9` (carrosseriecode: 15, 16...). Both header styles the RDW publishes are accepted: API names
(`datum_eerste_toelating`) and the CSV download's labels (`Datum eerste toelating`).

The base file's merk, handelsbenaming and eerste_kleur (make, model, colour) are staged for the reviewer,
not for judging; a base file without those columns imports with them unknown.

All values arrive as strings. One bad row never aborts a national import: an impossible date or number
becomes unknown ("blanked", counted), a row without a usable plate is skipped (counted).
"""

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Table

from anpr_rules.adapters.tables import rdw_base, rdw_body, rdw_fuel, rdw_special
from anpr_rules.domain.vehicle import registry_plate

MAX_TEXT, MAX_COLOUR = 100, 40  # merk/handelsbenaming and eerste_kleur columns (tables.py)
Record = tuple[Any, ...]
Parsed = tuple[list[Record], bool] | None  # (staging records, some value blanked); None: row skipped


class RdwImportError(Exception):
    """The files cannot be imported (wrong file, another import running); the registry is unchanged."""


@dataclass
class FileCounts:
    rows: int = 0  # data rows read
    skipped: int = 0  # not imported: no usable plate (or fuel, code), malformed line
    blanked: int = 0  # imported, with at least one impossible value made unknown
    bytes_read: int = 0


# --- values ---------------------------------------------------------------------------------------


def _column(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")


_plate = registry_plate


def _text(value: str, length: int) -> str | None:
    """Free text such as merk or handelsbenaming, cut to its column; None when empty."""
    return value.strip()[:length] or None


def _colour(value: str) -> str | None:
    """eerste_kleur as the RDW writes it (GRIJS, ZWART); its "Niet geregistreerd" is no colour."""
    text = value.strip().upper()[:MAX_COLOUR]
    return None if not text or text in ("NIET GEREGISTREERD", "N.V.T.") else text


def _int(value: str | None) -> int | None:
    """None unless a whole number that fits the registry's integer columns."""
    text = (value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def _date(value: str | None) -> date | None:
    """None for an empty or impossible date ("00000000", "20230231"): one bad row must not abort an import."""
    try:
        found = _parse_date((value or "").strip())
    except ValueError:
        return None
    return found if found is not None and 1880 <= found.year <= 2100 else None


def _parse_date(text: str) -> date | None:
    if len(text) == 8 and text.isdigit():
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    if len(text) >= 10 and text[4] == "-":  # the CSV download writes dates as 2003-05-14 or 14/05/2003
        return date.fromisoformat(text[:10])
    if len(text) == 10 and text[2] == "/":
        return date(int(text[6:]), int(text[3:5]), int(text[:2]))
    return None


def _emission_class(value: str | None) -> int | None:
    """Only 0-6 is a registered class; Z (zero emission) and other letters say nothing about it."""
    found = re.match(r"\s*([0-6])(?!\d)", value or "")
    return int(found.group(1)) if found else None


def _code(value: str, width: int) -> str | None:
    """As the regimes name codes: numbers zero-padded to `width` only (bijzonderheid 70, carrosseriecode
    03 and 15), letters upper case (SH)."""
    text = value.strip().upper()
    return f"{int(text):0{width}d}" if text.isascii() and text.isdigit() else text or None


def _short(value: str, length: int) -> str | None:
    text = value.strip()
    return text if 0 < len(text) <= length else None


def _lost(raw: str, parsed: object) -> bool:
    return parsed is None and bool(raw.strip())


# --- rows -> staging records ----------------------------------------------------------------------


def _base(line: int, v: Sequence[str]) -> Parsed:
    kenteken, soort, categorie, inrichting, det, max_mass, empty_mass, merk, handelsbenaming, kleur = v
    if (plate := _plate(kenteken)) is None:
        return None
    category, first, heaviest, ready = _short(categorie, 10), _date(det), _int(max_mass), _int(empty_mass)
    blanked = _lost(categorie, category) or _lost(det, first) or _lost(max_mass, heaviest) or _lost(empty_mass, ready)
    # make, model, colour last, as in the staging table: only the review screen shows them.
    described = (_text(merk, MAX_TEXT), _text(handelsbenaming, MAX_TEXT), _colour(kleur))
    facts = (soort.strip()[:60], category, inrichting.strip() or None, first, heaviest, ready)
    return [(line, plate, *facts, *described)], blanked


def _fuel(line: int, v: Sequence[str]) -> Parsed:
    kenteken, volgnummer, omschrijving, emissiecode = v
    plate, fuel, seq = _plate(kenteken), omschrijving.strip()[:40], _int(volgnummer)
    if plate is None or not fuel:
        return None
    return [(line, plate, seq, fuel, _emission_class(emissiecode))], _lost(volgnummer, seq)


def _special(line: int, v: Sequence[str]) -> Parsed:
    plate, code = _plate(v[0]), _code(v[1], 1)
    return None if plate is None or code is None else ([(line, plate, code)], False)


def _body(line: int, v: Sequence[str]) -> Parsed:
    """A vezc-m2t6 row has a carrosserietype, a jhie-znh9 row a carrosseriecode; a merged file may have both."""
    plate, codes = _plate(v[0]), {c for c in (_code(v[1], 2), _code(v[2], 2)) if c}
    return None if plate is None or not codes else ([(line, plate, c) for c in sorted(codes)], False)


@dataclass(frozen=True)
class Source:
    role: str
    table: Table
    columns: tuple[str, ...]  # kenteken first, then what `parse` takes in this order; a missing one reads ""
    parse: Callable[[int, Sequence[str]], Parsed]


_BASE_COLUMNS = ("voertuigsoort", "europese_voertuigcategorie", "inrichting", "datum_eerste_toelating",
                 "toegestane_maximum_massa_voertuig", "massa_rijklaar", "merk", "handelsbenaming",
                 "eerste_kleur")  # fmt: skip
_FUEL_COLUMNS = ("brandstof_volgnummer", "brandstof_omschrijving", "emissiecode_omschrijving")
BASE = Source("base", rdw_base, ("kenteken", *_BASE_COLUMNS), _base)
FUEL = Source("fuel", rdw_fuel, ("kenteken", *_FUEL_COLUMNS), _fuel)
SPECIAL = Source("special", rdw_special, ("kenteken", "bijzonderheid_code"), _special)
BODY = Source("body", rdw_body, ("kenteken", "carrosserietype", "carrosseriecode"), _body)


def read_records(path: Path, source: Source, counts: FileCounts) -> Iterator[Record]:
    """The staging records of one RDW file, a row at a time; counts rows, skips, blanks and bytes read."""
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="") as text:
        reader = csv.reader(text)
        header = [_column(name) for name in next(reader, [])]
        # Kenteken plus one column of its own: catches a fuel file given as --base before it empties anything.
        if "kenteken" not in header or not set(source.columns[1:]) & set(header):
            raise RdwImportError(f"{path.name}: not an RDW {source.role} file (columns {', '.join(source.columns)})")
        at = [header.index(name) if name in header else None for name in source.columns]
        for row in _rows(reader):
            counts.rows += 1
            if counts.rows % 1024 == 0:
                counts.bytes_read = raw.tell()
            parsed = None
            if row is not None and len(row) == len(header):
                parsed = source.parse(reader.line_num, [row[i] if i is not None else "" for i in at])
            if parsed is None:
                counts.skipped += 1
                continue
            counts.blanked += parsed[1]
            yield from parsed[0]
        counts.bytes_read = raw.tell()


def _rows(reader: Any) -> Iterator[list[str] | None]:
    """Every row but blank lines; None for a line the csv module cannot read (a field beyond its size
    limit, say): only that line is lost."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            row = None
        if row != []:
            yield row
