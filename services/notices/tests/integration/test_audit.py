"""Every look at personal data is in the audit log (who, what, when, why), and only supervisors read it."""

from collections.abc import Callable
from typing import Any

from anpr_contracts import CANDIDATES, RegimeMode
from anpr_notices.entrypoints.api import create_app

from .helpers import ADMIN, REVIEWER, REVIEWER2, SUPERVISOR, a_candidate, api, arrived, notices_settings, publish


async def test_every_evidence_view_and_every_look_is_audited(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings = notices_settings(isolated)
    candidate = a_candidate(mode=RegimeMode.WARN)
    app = create_app(settings)
    async with run_app(app), api(app) as client:
        await publish(settings.kafka_bootstrap, settings.topic(CANDIDATES.name), candidate)
        candidate_id = str(await arrived(settings, candidate.candidate_key))
        purpose = {"X-Purpose": "review: bezwaar 2026-0042"}
        views = [
            (REVIEWER, "plate", {}),
            (REVIEWER, "overview", {}),
            (REVIEWER2, "plate", purpose),
            (REVIEWER, "plate", {}),
        ]
        for who, kind, extra in views:
            response = await client.get(f"/v1/candidates/{candidate_id}/evidence/{kind}", headers={**who, **extra})
            assert response.status_code == 200
            assert response.headers["Cache-Control"] == "private, no-store"
        await client.get(f"/v1/candidates/{candidate_id}", headers=REVIEWER2)
        await client.get("/v1/candidates", params={"limit": 500}, headers=REVIEWER2)
        await client.post(f"/v1/candidates/{candidate_id}/decision", json={"decision": "accept"}, headers=REVIEWER)
        await client.get(f"/v1/letters/{candidate_id}", headers=SUPERVISOR)

        refused = await client.get("/v1/audit", params={"subject": candidate_id}, headers=REVIEWER)
        trail = (await client.get("/v1/audit", params={"subject": candidate_id}, headers=SUPERVISOR)).json()
        by_actor = (
            await client.get("/v1/audit", params={"subject": candidate_id, "actor": "reviewer-3"}, headers=ADMIN)
        ).json()
        first = trail[-1]["at"]
        window = await client.get(
            "/v1/audit", params={"subject": candidate_id, "since": first, "until": first, "limit": 1}, headers=ADMIN
        )

    assert refused.status_code == 403
    oldest_first = [(row["actor"], row["action"], row["reason"]) for row in reversed(trail)]
    assert oldest_first == [
        ("reviewer-2", "view_evidence:plate", "review"),
        ("reviewer-2", "view_evidence:overview", "review"),
        ("reviewer-3", "view_evidence:plate", "review: bezwaar 2026-0042"),
        ("reviewer-2", "view_evidence:plate", "review"),
        ("reviewer-3", "view_candidate", "review"),
        ("reviewer-3", "list_candidates", "review"),
        ("reviewer-2", "decide:accept", "review"),
        ("supervisor-4", "warning_letter", "supervision"),
    ]
    assert all(row["subject"] == candidate_id for row in trail)
    assert [row["action"] for row in by_actor] == ["list_candidates", "view_candidate", "view_evidence:plate"]
    assert window.json() == []  # until is exclusive


async def test_a_look_without_a_purpose_of_the_role_is_400_and_not_served(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings = notices_settings(isolated)
    candidate = a_candidate(mode=RegimeMode.WARN)
    app = create_app(settings)
    async with run_app(app), api(app) as client:
        await publish(settings.kafka_bootstrap, settings.topic(CANDIDATES.name), candidate)
        candidate_id = str(await arrived(settings, candidate.candidate_key))
        bare = {"Authorization": REVIEWER["Authorization"]}
        missing = await client.get(f"/v1/candidates/{candidate_id}/evidence/plate", headers=bare)
        foreign = await client.get(f"/v1/candidates/{candidate_id}", headers={**bare, "X-Purpose": "supervision"})
        listing = await client.get("/v1/candidates", headers=bare)
        trail = (await client.get("/v1/audit", params={"subject": candidate_id}, headers=SUPERVISOR)).json()

    for refused in (missing, foreign, listing):
        assert refused.status_code == 400, refused.text
        assert "one of: review" in refused.json()["detail"]
    assert "image/jpeg" not in missing.headers.get("content-type", "")
    assert trail == []
