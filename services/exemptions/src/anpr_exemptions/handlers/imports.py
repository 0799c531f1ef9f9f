"""Bulk import of permits (rows as `domain.csv_rows` reads them).

Each row is its own transaction: a row that is invalid, over quota or a duplicate is reported and never
blocks the others. A broker or database failure stops the import, because every following row would fail
the same way; those rows are reported as not imported, so the caller can send just them again.
"""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from anpr_exemptions.domain.csv_rows import CsvRow
from anpr_exemptions.domain.model import Exemption
from anpr_runtime import PermanentError, RetriableError


@dataclass(frozen=True)
class Created:
    row: int
    exemption_id: str


@dataclass(frozen=True)
class Refused:
    row: int
    error: str


@dataclass
class ImportReport:
    created: list[Created] = field(default_factory=list)
    errors: list[Refused] = field(default_factory=list)


async def import_rows(
    rows: Sequence[CsvRow],
    exemption_of: Callable[[Mapping[str, Any]], Exemption],
    grant: Callable[[Exemption], Awaitable[None]],
) -> ImportReport:
    """`exemption_of` turns a row's fields into a permit or raises `PermanentError` with the reason;
    `grant` stores and publishes one permit in a transaction of its own."""
    report = ImportReport()
    for position, row in enumerate(rows):
        try:
            if row.error is not None:
                raise PermanentError(row.error)
            exemption = exemption_of(row.fields)
            await grant(exemption)
        except PermanentError as exc:
            report.errors.append(Refused(row=row.number, error=str(exc)))
        except RetriableError as exc:
            report.errors.extend(
                Refused(row=r.number, error=f"not imported, send it again: {exc}") for r in rows[position:]
            )
            break
        else:
            report.created.append(Created(row=row.number, exemption_id=exemption.exemption_id))
    return report
