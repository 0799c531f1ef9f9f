"""Reading a permit CSV into one field dict per row. A broken header refuses the whole file (nothing would
be right); a broken row becomes that row's error and the other rows go on.

Header (any order; columns other than the required ones may be left out):
    plate,kind,regimes,zones,valid_from,valid_until,daily_from,daily_until,day,reference,issuer
Required: plate, kind, reference, issuer. Fields are separated by "," or, as Dutch spreadsheets export,
";" (taken from the header line). Lists (regimes, zones) are separated by "|"; empty = every regime/zone.
valid_from/valid_until: ISO 8601 with offset, or a plain date meaning 00:00 Amsterdam time. daily_from/
daily_until: HH:MM Amsterdam time. day: YYYY-MM-DD, for a day-permit only. UTF-8, with or without BOM.
"""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from anpr_exemptions.domain.fields import TERM_FIELDS
from anpr_exemptions.domain.local_time import LOCAL
from anpr_runtime import PermanentError

COLUMNS = TERM_FIELDS
REQUIRED = ("plate", "kind", "reference", "issuer")
HEADER = ",".join(COLUMNS)
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


class BadCsv(PermanentError):
    """The file as a whole cannot be read (422)."""


@dataclass(frozen=True)
class CsvRow:
    number: int  # as a spreadsheet shows it: the header is row 1
    fields: dict[str, Any]
    error: str | None = None


def read_rows(body: bytes) -> list[CsvRow]:
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadCsv(f"the CSV is not UTF-8 (byte {exc.start}): export it as UTF-8") from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first_line and "," not in first_line else ","
    records = _records(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header_row = next(records, None)
    if header_row is None or header_row[1] is None:
        raise BadCsv(f"the CSV is empty or unreadable: the first line must be the header {HEADER}")
    header = _header(header_row[1])
    return [_row(number, cells, error, header) for number, cells, error in records if cells != []]


def _records(reader: Iterator[list[str]]) -> Iterator[tuple[int, list[str] | None, str | None]]:
    number = 0
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:  # e.g. a NUL byte: only this record is lost, the reader goes on
            yield number, None, f"unreadable CSV: {exc}"
            continue
        yield number, ([] if not any(c.strip() for c in cells) else cells), None


def _header(cells: list[str]) -> list[str]:
    names = [c.strip().lower() for c in cells]
    unknown = [n for n in names if n not in COLUMNS]
    if unknown:
        raise BadCsv(f"unknown column(s) {', '.join(repr(n) for n in unknown)} in the header; allowed: {HEADER}")
    doubled = sorted({n for n in names if names.count(n) > 1})
    if doubled:
        raise BadCsv(f"column(s) {', '.join(doubled)} appear more than once in the header")
    missing = [n for n in REQUIRED if n not in names]
    if missing:
        raise BadCsv(f"the header lacks required column(s) {', '.join(missing)}; header: {HEADER}")
    return names


def _row(number: int, cells: list[str] | None, error: str | None, header: list[str]) -> CsvRow:
    if cells is None:
        return CsvRow(number, {}, error)
    extra = cells[len(header) :]
    if len(cells) < len(header) or any(c.strip() for c in extra):
        return CsvRow(number, {}, f"{len(cells)} fields where the header has {len(header)}")
    fields = {name: _value(name, cell.strip()) for name, cell in zip(header, cells, strict=False) if cell.strip()}
    return CsvRow(number, fields)


def _value(name: str, cell: str) -> Any:
    if name in ("regimes", "zones"):
        return [part.strip() for part in cell.split("|") if part.strip()]
    if name in ("valid_from", "valid_until") and _DATE_ONLY.fullmatch(cell):
        try:
            return datetime.combine(date.fromisoformat(cell), time(0), LOCAL)
        except ValueError:
            return cell  # let the model report the impossible date in its own words
    return cell
