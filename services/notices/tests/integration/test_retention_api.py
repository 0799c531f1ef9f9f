"""The purge against the real database, with a clock the test controls: each record class goes after its
period, with its evidence and decisions; nothing else goes."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import delete, select

from anpr_notices.adapters.candidates import PostgresCandidateRepository
from anpr_notices.adapters.tables import audit_log, candidates, decisions, evidence
from anpr_notices.config import NoticesSettings
from anpr_notices.domain.model import Actor, RejectReason, Status
from anpr_notices.domain.workflow import Verdict
from anpr_notices.entrypoints.api import create_app
from anpr_notices.handlers import store_candidate

from .helpers import ADMIN, REVIEWER, SUPERVISOR, a_candidate, api, database, notices_settings

# Far in the past: the purge at this clock cannot reach rows of other tests in the shared database.
T0 = datetime(2001, 1, 1, tzinfo=UTC)
DAY = timedelta(days=1)


async def put(settings: NoticesSettings, status: Status, settled: datetime, decided: bool = True) -> UUID:
    candidate = a_candidate(plate="PURGE1", observed_at=settled)
    async with database(settings) as connection:
        repo = PostgresCandidateRepository(connection)
        assert await store_candidate(candidate, repo, "key", settled)
        row = await repo.get_by_key(candidate.candidate_key)
        assert row is not None
        if decided:
            await repo.add_decision(
                row["candidate_id"],
                Actor("reviewer-2", "Anna de Vries"),
                settled,
                Verdict("reject", RejectReason.EXEMPT),
            )
        await repo.set_status(row["candidate_id"], status, {"retention_from": settled})
    return UUID(str(row["candidate_id"]))


async def remaining(settings: NoticesSettings, ids: list[UUID]) -> dict[str, set[UUID]]:
    async with database(settings) as connection:
        found = {}
        for name, table in (("candidates", candidates), ("evidence", evidence), ("decisions", decisions)):
            rows = await connection.execute(select(table.c.candidate_id).where(table.c.candidate_id.in_(ids)))
            found[name] = {UUID(str(row.candidate_id)) for row in rows}
    return found


async def test_purge_removes_what_expired_and_nothing_else(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings = notices_settings(
        isolated,
        retention={
            "rejected_days": 28,
            "corrected_days": 14,
            "accepted_not_issued_days": 90,
            "issued_days": 1827,
            "unreviewed_days": 123,
        },
    )
    now = T0 + 2000 * DAY
    started = datetime.now(UTC)
    expired = {
        status: await put(settings, status, now - days * DAY - timedelta(seconds=1))
        for status, days in (
            (Status.REJECTED, 28),
            (Status.CORRECTED_NO_VIOLATION, 14),
            (Status.ACCEPTED_NO_NOTICE, 90),
            (Status.EXPORTED, 1827),
            (Status.PENDING, 123),
        )
    }
    kept = [
        await put(settings, Status.REJECTED, now - 27 * DAY),
        await put(settings, Status.REPLACED, now - 13 * DAY),
        await put(settings, Status.ACCEPTED_NO_NOTICE, now - 89 * DAY),
        await put(settings, Status.NOTICE_ISSUED, now - 1826 * DAY),
        await put(settings, Status.AWAITING_SECOND_REVIEW, now - 122 * DAY, decided=False),
    ]
    ids = [*expired.values(), *kept]
    assert (await remaining(settings, ids))["evidence"] == set(ids)

    app = create_app(settings)
    async with run_app(app), api(app) as client:
        refused = await client.post("/v1/retention/purge", json={"now": now.isoformat()}, headers=REVIEWER)
        refused_too = await client.post("/v1/retention/purge", json={"now": now.isoformat()}, headers=SUPERVISOR)
        response = await client.post("/v1/retention/purge", json={"now": now.isoformat()}, headers=ADMIN)

    assert (refused.status_code, refused_too.status_code) == (403, 403)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["purged"] == {"rejected": 1, "corrected": 1, "accepted_not_issued": 1, "issued": 1, "unreviewed": 1}
    left = await remaining(settings, ids)
    assert left["candidates"] == set(kept)
    assert left["evidence"] == set(kept)  # the photos went with their candidates
    assert left["decisions"] == set(kept) - {kept[-1]}
    async with database(settings) as connection:
        audited = select(audit_log.c.actor, audit_log.c.subject).where(
            audit_log.c.action == "retention_purge", audit_log.c.reason == f"now={now}", audit_log.c.at >= started
        )
        assert [tuple(row) for row in await connection.execute(audited)] == [("admin", "purged=5")]
        # What this test kept would be the oldest rows of every queue listing from now on.
        await connection.execute(delete(candidates).where(candidates.c.candidate_id.in_(kept)))


async def test_a_chosen_clock_is_refused_in_production(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    # Production against the test run's plain Kafka and PostgreSQL, without the local (http) issuers and the
    # unnamed test camera token that production refuses: only the clock rule is under test here.
    settings = notices_settings(
        isolated,
        environment="production",
        pseudonym_key=f"k-{uuid.uuid4()}",
        allow_plaintext_backends=True,
        oidc_issuer="",
        public_oidc_issuer="",
        extra_tokens="",
    )
    app = create_app(settings)
    async with run_app(app), api(app) as client:
        chosen = await client.post("/v1/retention/purge", json={"now": "2001-01-01T00:00:00Z"}, headers=ADMIN)
        real = await client.post("/v1/retention/purge", headers=ADMIN)

    assert chosen.status_code == 403
    assert real.status_code == 200
    assert datetime.fromisoformat(real.json()["now"]) > T0 + 9000 * DAY
