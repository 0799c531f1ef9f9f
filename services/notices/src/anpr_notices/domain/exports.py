"""An export batch as records, CSV and JSON. The fields are documented in services/notices/EXPORTS.md."""

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

FIELDS = (
    "candidate_id",
    "kind",
    "plate",
    "moment",
    "location",
    "camera",
    "regime",
    "regime_version",
    "legal_reference",
    "amount_eur",
    "officer_ids",
    "evidence",
    "officer_names",  # added after `evidence`: readers of the older column order keep working
)
# Names have spaces in them, so a list of names is not separated by one.
LIST_SEPARATOR = {"officer_names": "; "}
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP "CSV injection"); names come
# from the identity provider and references from regime files, so a text cell may start with one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_record(candidate: Mapping[str, Any], base_url: str) -> dict[str, Any]:
    """One issued notice or warning; `base_url` makes the evidence references absolute."""
    candidate_id = str(candidate["candidate_id"])
    kind = candidate["issued_as"]
    accepted = [d for d in candidate["decisions"] if d["decision"] == "accept"]
    evidence = [f"{base_url.rstrip('/')}/v1/candidates/{candidate_id}/evidence/{k}" for k in candidate["evidence"]]
    observed_at: datetime = candidate["observed_at"]
    return {
        "candidate_id": candidate_id,
        "kind": kind,
        "plate": candidate["plate"],
        "moment": observed_at.isoformat(),
        "location": candidate["location_id"],
        "camera": candidate["camera_id"],
        "regime": candidate["regime_id"],
        "regime_version": candidate["regime_version"],
        "legal_reference": candidate["legal_reference"],
        # A warning costs nothing: no amount rather than 0, so no one mistakes it for a free fine.
        "amount_eur": candidate["fine_eur"] if kind == "notice" else None,
        "officer_ids": [d["by"] for d in accepted],
        "evidence": evidence,
        # Names as they were at the decision; a decision from before names were kept shows its subject.
        "officer_names": [d.get("by_name") or d["by"] for d in accepted],
    }


def to_csv(records: Iterable[Mapping[str, Any]]) -> str:
    """RFC 4180, header first; lists joined with a space; no amount or value is an empty cell; a text cell
    that a spreadsheet would take for a formula starts with a ' (shown as text, the formula not run)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FIELDS)
    for record in records:
        writer.writerow(
            [_safe(_cell(record[field], LIST_SEPARATOR.get(field, " ")), record[field]) for field in FIELDS]
        )
    return out.getvalue()


def to_json(batch: Mapping[str, Any], records: Sequence[Mapping[str, Any]]) -> str:
    document = {
        "batch_id": str(batch["batch_id"]),
        "created_at": batch["created_at"].isoformat(),
        "created_by": batch["created_by"],
        "created_by_name": batch.get("created_by_name"),
        "count": len(records),
        "items": list(records),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _cell(value: Any, separator: str) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return separator.join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _safe(cell: str, value: Any) -> str:
    # A number is never a formula (a negative amount stays a number); text gets the quote OWASP advises.
    if isinstance(value, int | float) or not cell.startswith(FORMULA_STARTS):
        return cell
    return "'" + cell
