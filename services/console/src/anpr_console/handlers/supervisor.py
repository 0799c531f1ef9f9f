"""The supervisor screen's data and actions, through notices with the supervisor's own token: statistics,
export batches, warning letters, the audit trail and the monthly reminder run."""

import asyncio
from dataclasses import dataclass
from typing import Any, Literal

from anpr_console.adapters.services_api import Binary, ServiceRefused, ServicesApi
from anpr_console.domain.supervisor import AuditFilters, Period
from anpr_console.domain.supervisor_stats import Table, age_text, reviewer_subjects, stats_tables

PURPOSE = "supervision"  # notices records it as the reason of every audit row these calls cause
NOTICES = "notices"


@dataclass(frozen=True)
class StatsPage:
    tables: list[Table]
    oldest_age: tuple[int, int, int] | None
    reads_available: bool


async def reviewer_names(api: ServicesApi, token: str, subjects: list[str]) -> dict[str, str]:
    """The stats name reviewers by subject only; the audit trail keeps the display name beside it, so the
    newest row of each reviewer names them. A subject with no named row stays a subject."""

    async def one(subject: str) -> tuple[str, str]:
        try:
            rows = await api.get_json(NOTICES, "/v1/audit", token, {"actor": subject, "limit": 1}, PURPOSE)
        except ServiceRefused:
            return subject, ""
        return subject, str(rows[0].get("actor_name") or "") if rows else ""

    return {s: name for s, name in await asyncio.gather(*(one(s) for s in subjects)) if name}


async def load_stats(api: ServicesApi, token: str, period: Period, none_label: str) -> StatsPage:
    stats = await api.get_json(NOTICES, "/v1/stats", token, period.params(), PURPOSE)
    reviewers = stats.get("reviewers") or []
    # Notices names reviewers in its stats; only decisions from before it kept names need the audit trail.
    names = {r["reviewer"]: r["reviewer_name"] for r in reviewers if r.get("reviewer_name")}
    unnamed = [s for s in reviewer_subjects(reviewers) if s not in names]
    names |= await reviewer_names(api, token, unnamed) if unnamed else {}
    backlog = stats.get("backlog") or {}
    sources = stats.get("sources") or {}
    return StatsPage(
        stats_tables(stats, names, none_label),
        age_text(backlog.get("oldest_pending_age_seconds")),
        sources.get("rules_outcome_counts") == "ok",
    )


async def export_batches(api: ServicesApi, token: str, limit: int = 100) -> list[dict[str, Any]]:
    found = await api.get_json(NOTICES, "/v1/exports", token, {"limit": limit}, PURPOSE)
    items: list[dict[str, Any]] = found.get("items", [])
    return items


@dataclass(frozen=True)
class ExportOutcome:
    kind: Literal["created", "already"]
    batch_id: str


async def create_export(api: ServicesApi, token: str, newest_seen: str) -> ExportOutcome:
    """notices has no idempotency key for a batch, so the confirmation form carries the newest batch it
    showed: if a newer one exists now (a double submit, a second tab, a colleague), this submit already
    happened in effect and creates nothing; the supervisor is shown that batch instead."""
    newest = await export_batches(api, token, limit=1)
    if newest and str(newest[0]["batch_id"]) != newest_seen:
        return ExportOutcome("already", str(newest[0]["batch_id"]))
    try:
        batch = await api.post_json(NOTICES, "/v1/exports", token, None, PURPOSE)
    except ServiceRefused as refused:
        if refused.status == 409:
            return ExportOutcome("already", "")
        raise
    return ExportOutcome("created", str(batch["batch_id"]))


async def export_file(api: ServicesApi, token: str, batch_id: str, kind: Literal["csv", "json"]) -> Binary:
    return await api.get_binary(NOTICES, f"/v1/exports/{batch_id}.{kind}", token, PURPOSE)


async def letter_candidates(api: ServicesApi, token: str, limit: int) -> list[dict[str, Any]]:
    """Candidates with a warning letter: issued warnings, also those already in an export batch; newest first."""
    params = {"order": "newest", "limit": limit}
    issued, exported = await asyncio.gather(
        api.get_json(NOTICES, "/v1/candidates", token, {**params, "status": "warning_issued"}, PURPOSE),
        api.get_json(NOTICES, "/v1/candidates", token, {**params, "status": "exported"}, PURPOSE),
    )
    found = [c for c in [*issued, *exported] if c.get("issued_as") == "warning"]
    return sorted(found, key=lambda c: str(c.get("observed_at", "")), reverse=True)[:limit]


async def letter(api: ServicesApi, token: str, candidate_id: str) -> Binary:
    return await api.get_binary(NOTICES, f"/v1/letters/{candidate_id}", token, PURPOSE)


async def audit_rows(api: ServicesApi, token: str, filters: AuditFilters) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = await api.get_json(NOTICES, "/v1/audit", token, filters.api_params(), PURPOSE)
    return rows


async def run_reminders(api: ServicesApi, token: str, month: str) -> dict[str, Any]:
    """Idempotent in notices: running a month again records nothing twice."""
    found: dict[str, Any] = await api.post_json(NOTICES, "/v1/reminders/run", token, {"month": month}, PURPOSE)
    return found


async def reminder_run(api: ServicesApi, token: str, month: str) -> dict[str, Any] | None:
    """The month's recorded run; None if it never ran."""
    try:
        found: dict[str, Any] = await api.get_json(NOTICES, f"/v1/reminders/{month}", token, purpose=PURPOSE)
    except ServiceRefused as refused:
        if refused.status == 404 and not refused.route_missing:
            return None
        raise
    return found
