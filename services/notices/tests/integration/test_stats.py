"""Operational statistics against the real database, including the one cross-schema read: the rules
service's `rules.outcome_counts`, created here by rules' own migrations so a change there fails here."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert, text

from anpr_contracts import CANDIDATES
from anpr_notices.entrypoints.api import create_app
from anpr_rules import SPEC as RULES_SPEC
from anpr_rules import outcome_counts
from anpr_runtime.db import run_migrations

from .helpers import (
    OPERATOR,
    REVIEWER,
    REVIEWER2,
    SUPERVISOR,
    a_candidate,
    api,
    arrived,
    database,
    notices_settings,
    publish,
)


async def test_stats_per_regime_location_and_hour(isolated: Callable[..., Any], run_app: Callable[..., Any]) -> None:
    settings = notices_settings(isolated)
    await run_migrations(settings.database_url, RULES_SPEC.migrations_dir, RULES_SPEC.schema)
    regime = f"mz-{uuid.uuid4().hex[:8]}"
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=2)
    async with database(settings) as connection:
        rows = [("no_hit", 40), ("candidate", 4), ("exempt", 2)]
        values = [dict(regime_id=regime, location_id="loc-a", hour=hour, outcome=o, count=n) for o, n in rows]
        await connection.execute(insert(outcome_counts).values(values))
    mine = [
        a_candidate(regime_id=regime, location_id="loc-a", observed_at=hour + timedelta(minutes=m))
        for m in (1, 2, 3, 4)
    ]
    app = create_app(settings)
    async with run_app(app), api(app) as client:
        await publish(settings.kafka_bootstrap, settings.topic(CANDIDATES.name), *mine)
        ids = [await arrived(settings, c.candidate_key) for c in mine]
        decisions = [
            (REVIEWER, {"decision": "accept"}),
            (REVIEWER2, {"decision": "reject", "reason": "misread"}),
            (REVIEWER2, {"decision": "reject", "reason": "exempt"}),
        ]
        for candidate_id, (who, body) in zip(ids, decisions, strict=False):
            assert (
                await client.post(f"/v1/candidates/{candidate_id}/decision", json=body, headers=who)
            ).status_code == 200
        window = {"since": (hour - timedelta(hours=1)).isoformat(), "until": (hour + timedelta(hours=3)).isoformat()}
        stats = await client.get("/v1/stats", params=window, headers=OPERATOR)
        as_supervisor = await client.get("/v1/stats", headers=SUPERVISOR)
        refused = await client.get("/v1/stats", headers=REVIEWER)
        backwards = await client.get(
            "/v1/stats", params={"since": window["until"], "until": window["since"]}, headers=OPERATOR
        )

    assert stats.status_code == 200, stats.text
    assert (as_supervisor.status_code, refused.status_code, backwards.status_code) == (200, 403, 422)
    body = stats.json()
    assert body["sources"] == {"rules_outcome_counts": "ok"}
    [bucket] = [b for b in body["per_hour"] if b["regime_id"] == regime]
    assert (bucket["location_id"], datetime.fromisoformat(bucket["hour"])) == ("loc-a", hour)
    assert bucket["reads_judged"] == 46
    assert bucket["outcomes"] == {"no_hit": 40, "candidate": 4, "exempt": 2}
    assert (bucket["candidates"], bucket["accepted"]) == (4, 1)
    assert bucket["rejected"] == {"misread": 1, "exempt": 1}
    assert bucket["by_status"] == {"notice_issued": 1, "rejected": 2, "pending": 1}
    throughput = {(r["reviewer"]): r["decisions"] for r in body["reviewers"]}
    assert throughput["reviewer-2"] >= 1
    assert throughput["reviewer-3"] >= 2
    backlog = body["backlog"]
    assert backlog["pending"] >= 1
    assert backlog["oldest_pending_age_seconds"] >= 0


async def test_candidate_counts_follow_every_change(isolated: Callable[..., Any], run_app: Callable[..., Any]) -> None:
    """The counters the statistics read (migration 0007's trigger) equal a count of the candidates after
    intake, a decision, a many-row update and a delete."""
    settings = notices_settings(isolated)
    regime = f"mz-{uuid.uuid4().hex[:8]}"
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=3)
    mine = [
        a_candidate(regime_id=regime, location_id=location, observed_at=hour + timedelta(minutes=m))
        for m, location in ((1, "loc-a"), (2, "loc-a"), (61, "loc-a"), (62, None))
    ]

    async def counted() -> tuple[dict[tuple[Any, ...], int], dict[tuple[Any, ...], int]]:
        async with database(settings) as connection:
            kept = await connection.execute(
                text(
                    "SELECT hour, location_id, status, count FROM notices.candidate_counts"
                    " WHERE regime_id = :regime AND count <> 0"
                ),
                {"regime": regime},
            )
            truth = await connection.execute(
                text(
                    "SELECT date_trunc('hour', observed_at, 'UTC'), coalesce(location_id, ''), status, count(*)"
                    " FROM notices.candidates WHERE regime_id = :regime GROUP BY 1, 2, 3"
                ),
                {"regime": regime},
            )
            return {tuple(r[:3]): r[3] for r in kept}, {tuple(r[:3]): r[3] for r in truth}

    app = create_app(settings)
    async with run_app(app), api(app) as client:
        await publish(settings.kafka_bootstrap, settings.topic(CANDIDATES.name), *mine)
        ids = [await arrived(settings, c.candidate_key) for c in mine]
        kept, truth = await counted()
        assert kept == truth
        assert kept[(hour, "loc-a", "pending")] == 2
        assert kept[(hour + timedelta(hours=1), "", "pending")] == 1
        accepted = await client.post(f"/v1/candidates/{ids[0]}/decision", json={"decision": "accept"}, headers=REVIEWER)
        assert accepted.status_code == 200, accepted.text
        kept, truth = await counted()
        assert kept == truth
        assert kept[(hour, "loc-a", "notice_issued")] == 1
    async with database(settings) as connection:
        await connection.execute(
            text("UPDATE notices.candidates SET status = 'rejected' WHERE regime_id = :regime AND status = 'pending'"),
            {"regime": regime},
        )
        await connection.execute(text("DELETE FROM notices.candidates WHERE candidate_id = :id"), {"id": ids[2]})
    kept, truth = await counted()
    assert kept == truth
    assert sum(kept.values()) == 3
    assert kept[(hour, "loc-a", "rejected")] == 1
