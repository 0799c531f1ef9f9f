"""notices' GET /v1/stats turned into the tables the statistics page shows: per regime, per location, per
hour of the day (Amsterdam time), reviewer throughput and the backlog. Each table is the content; the
chart drawn from it (supervisor.js) is an enhancement, so the numbers are never only in a picture."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
COUNTS = ("reads_judged", "candidates", "accepted", "rejected")


@dataclass(frozen=True)
class Table:
    key: str  # the id on the page and the message key of its caption: supervisor.stats.<key>
    label_column: str  # message key of the first column
    columns: tuple[str, ...]  # message keys supervisor.stats.col.<column>
    rows: list[tuple[str, list[int]]]
    labels_are_keys: bool = False  # the row labels are message keys (statuses), not names from the data

    @property
    def empty(self) -> bool:
        return not self.rows


def _counts(entry: Mapping[str, Any]) -> list[int]:
    rejected = entry.get("rejected") or {}
    return [
        int(entry.get("reads_judged") or 0),
        int(entry.get("candidates") or 0),
        int(entry.get("accepted") or 0),
        sum(int(n) for n in rejected.values()),
    ]


def _summed(per_hour: Iterable[Mapping[str, Any]], label: Any) -> dict[str, list[int]]:
    totals: dict[str, list[int]] = {}
    for entry in per_hour:
        name = label(entry)
        current = totals.setdefault(name, [0] * len(COUNTS))
        for i, n in enumerate(_counts(entry)):
            current[i] += n
    return totals


def by_field(per_hour: Iterable[Mapping[str, Any]], field: str, key: str, none_label: str) -> Table:
    """Totals per regime or location, the busiest first (ties by name, so the order is stable)."""
    totals = _summed(per_hour, lambda e: str(e.get(field) or none_label))
    rows = sorted(totals.items(), key=lambda item: (-item[1][1], -item[1][0], item[0]))
    return Table(key, f"supervisor.stats.col.{field}", COUNTS, rows)


def local_hour(value: Any) -> int:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.astimezone(AMSTERDAM).hour


def by_hour_of_day(per_hour: Iterable[Mapping[str, Any]]) -> Table:
    """All 24 hours, also the quiet ones: a gap in a chart of the day reads as missing data."""
    totals = _summed(per_hour, lambda e: f"{local_hour(e['hour']):02d}:00")
    rows = [(f"{h:02d}:00", totals.get(f"{h:02d}:00", [0] * len(COUNTS))) for h in range(24)]
    if not totals:
        rows = []
    return Table("hours", "supervisor.stats.col.hour", COUNTS, rows)


def throughput(reviewers: Iterable[Mapping[str, Any]], names: Mapping[str, str]) -> Table:
    """Decisions per reviewer over the period, by display name (the subject where no name is known)."""
    per: dict[str, int] = {}
    for row in reviewers:
        subject = str(row.get("reviewer", ""))
        per[subject] = per.get(subject, 0) + int(row.get("decisions") or 0)
    rows = [(names.get(s) or s, [n]) for s, n in sorted(per.items(), key=lambda item: (-item[1], item[0]))]
    return Table("reviewers", "supervisor.stats.col.reviewer", ("decisions",), rows)


def reviewer_subjects(reviewers: Iterable[Mapping[str, Any]]) -> list[str]:
    return sorted({str(row.get("reviewer", "")) for row in reviewers if row.get("reviewer")})


def backlog_table(backlog: Mapping[str, Any]) -> Table:
    statuses = ("pending", "awaiting_second_review", "reevaluating")
    rows = [(f"supervisor.stats.backlog.{s}", [int(backlog.get(s) or 0)]) for s in statuses]
    return Table("backlog", "supervisor.stats.col.status", ("waiting",), rows, labels_are_keys=True)


def age_text(seconds: Any) -> tuple[int, int, int] | None:
    """The oldest waiting candidate's age as (days, hours, minutes); None when nothing waits."""
    if seconds is None:
        return None
    total = max(int(seconds), 0)
    return total // 86400, total % 86400 // 3600, total % 3600 // 60


def without_reads(table: Table) -> Table:
    """Rules' counters could not be read: a column of zeros would claim nothing was judged."""
    rows = [(label, values[1:]) for label, values in table.rows]
    return replace(table, columns=table.columns[1:], rows=rows)


def stats_tables(stats: Mapping[str, Any], names: Mapping[str, str], none_label: str) -> list[Table]:
    per_hour = list(stats.get("per_hour") or [])
    counted = [
        by_field(per_hour, "regime_id", "regimes", none_label),
        by_field(per_hour, "location_id", "locations", none_label),
        by_hour_of_day(per_hour),
    ]
    if (stats.get("sources") or {}).get("rules_outcome_counts") != "ok":
        counted = [without_reads(table) for table in counted]
    return [*counted, throughput(stats.get("reviewers") or [], names), backlog_table(stats.get("backlog") or {})]
