"""The review API against the real broker and database: complete candidates, keyset paging, four-eyes
and roles."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from anpr_contracts import CANDIDATES
from anpr_notices.entrypoints.api import create_app
from anpr_notices.entrypoints.views import FIELDS

from .helpers import (
    ADMIN,
    CAMERA,
    OPERATOR,
    REVIEWER,
    REVIEWER2,
    SUPERVISOR,
    a_candidate,
    api,
    arrived,
    notices_settings,
    publish,
)


async def test_four_eyes_needs_a_second_different_reviewer(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    regime = f"mz-{uuid.uuid4().hex[:8]}"
    settings = notices_settings(isolated, four_eyes={regime: {"below_confidence": 0.9}})
    unsure, sure = a_candidate(regime_id=regime, confidence=0.7), a_candidate(regime_id=regime, confidence=0.97)
    app = create_app(settings)
    async with run_app(app), api(app) as client:
        await publish(settings.kafka_bootstrap, settings.topic(CANDIDATES.name), unsure, sure)
        unsure_id, sure_id = await arrived(settings, unsure.candidate_key), await arrived(settings, sure.candidate_key)
        listed = (await client.get("/v1/candidates", params={"regime": regime}, headers=REVIEWER)).json()
        assert {c["id"]: c["needs_second_review"] for c in listed} == {str(unsure_id): True, str(sure_id): False}

        accept = {"decision": "accept"}
        first = await client.post(f"/v1/candidates/{unsure_id}/decision", json=accept, headers=REVIEWER)
        assert first.status_code == 200, first.text
        assert first.json()["status"] == "awaiting_second_review"
        same = await client.post(f"/v1/candidates/{unsure_id}/decision", json=accept, headers=REVIEWER)
        assert same.status_code == 409
        assert "different reviewer" in same.json()["detail"]
        second = await client.post(f"/v1/candidates/{unsure_id}/decision", json=accept, headers=REVIEWER2)
        assert second.status_code == 200, second.text
        again = await client.post(f"/v1/candidates/{unsure_id}/decision", json=accept, headers=SUPERVISOR)
        assert again.status_code == 409

        single = await client.post(f"/v1/candidates/{sure_id}/decision", json=accept, headers=REVIEWER)
        assert single.json()["status"] == "notice_issued"
        shown = (await client.get(f"/v1/candidates/{unsure_id}", headers=REVIEWER)).json()

    assert shown["status"] == "notice_issued"
    assert [(d["by"], d["decision"]) for d in shown["decisions"]] == [
        ("reviewer-2", "accept"),
        ("reviewer-3", "accept"),
    ]
    assert shown["issued_as"] == "notice"


async def test_first_offence_policy_from_the_environment(
    isolated: Callable[..., Any], run_app: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    regime = f"mz-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("ANPR_NOTICES_FOUR_EYES", f'{{"{regime}": {{"first_offence": true}}}}')
    settings = notices_settings(isolated)
    first, later = a_candidate(regime_id=regime), a_candidate(regime_id=regime)
    app = create_app(settings)
    assert settings.four_eyes[regime].first_offence
    async with run_app(app), api(app) as client:
        await publish(settings.kafka_bootstrap, settings.topic(CANDIDATES.name), first, later)
        first_id, later_id = await arrived(settings, first.candidate_key), await arrived(settings, later.candidate_key)
        accept = {"decision": "accept"}
        decided = await client.post(f"/v1/candidates/{first_id}/decision", json=accept, headers=REVIEWER)
        assert decided.json()["status"] == "awaiting_second_review"
        assert (await client.get(f"/v1/candidates/{later_id}", headers=REVIEWER)).json()["needs_second_review"]
        await client.post(f"/v1/candidates/{first_id}/decision", json=accept, headers=REVIEWER2)

        # The same vehicle now has a confirmed offence in this regime: one reviewer is enough.
        assert not (await client.get(f"/v1/candidates/{later_id}", headers=REVIEWER)).json()["needs_second_review"]
        decided = await client.post(f"/v1/candidates/{later_id}/decision", json=accept, headers=REVIEWER)
        assert decided.json()["status"] == "notice_issued"


async def test_candidates_are_complete_and_page_both_ways(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings = notices_settings(isolated)
    location = f"loc-{uuid.uuid4().hex[:8]}"
    start = datetime.now(UTC) - timedelta(hours=1)
    mine = [a_candidate(location_id=location, observed_at=start + timedelta(minutes=i)) for i in range(5)]
    app = create_app(settings)
    async with run_app(app), api(app) as client:
        await publish(settings.kafka_bootstrap, settings.topic(CANDIDATES.name), *mine)
        ids = [str(await arrived(settings, c.candidate_key)) for c in mine]
        pages: dict[str, list[list[dict[str, Any]]]] = {}
        for order, header, cursor in (("newest", "X-Next-Before", "before"), ("oldest", "X-Next-After", "after")):
            query = {"location": location, "status": "pending", "limit": 2, "order": order}
            page = await client.get("/v1/candidates", params=query, headers=REVIEWER)
            pages[order] = [page.json()]
            while header in page.headers:
                query[cursor] = page.headers[header]
                page = await client.get("/v1/candidates", params=query, headers=REVIEWER)
                pages[order].append(page.json())
        between = {"location": location, "after": ids[0], "before": ids[4]}
        middle = await client.get("/v1/candidates", params=between, headers=REVIEWER)
        filtered = await client.get(
            "/v1/candidates", params={"location": location, "status": "rejected"}, headers=REVIEWER
        )

    assert [len(p) for p in pages["newest"]] == [2, 2, 1]
    assert [c["id"] for p in pages["newest"] for c in p] == ids[::-1]
    assert [c["id"] for p in pages["oldest"] for c in p] == ids
    assert [c["id"] for c in middle.json()] == ids[1:4]
    assert filtered.json() == []
    candidate = pages["newest"][0][0]
    assert set(FIELDS) | {"id", "candidate_id", "evidence", "replaces", "replaced_by"} == set(candidate)
    assert candidate["plate"] == "63HKHD"
    assert candidate["box"] == [10, 20, 110, 50]
    assert (candidate["mode"], candidate["enforceable"], candidate["fine_eur"]) == ("enforce", True, 120)
    assert candidate["decisions"] == []
    assert candidate["evidence"] == {
        kind: f"/v1/candidates/{candidate['id']}/evidence/{kind}" for kind in ("overview", "plate")
    }


async def test_roles(isolated: Callable[..., Any], run_app: Callable[..., Any]) -> None:
    settings = notices_settings(isolated)
    candidate = a_candidate()
    app = create_app(settings)
    async with run_app(app), api(app) as client:
        await publish(settings.kafka_bootstrap, settings.topic(CANDIDATES.name), candidate)
        candidate_id = await arrived(settings, candidate.candidate_key)
        personal = [
            ("GET", "/v1/candidates", None),
            ("GET", f"/v1/candidates/{candidate_id}", None),
            ("GET", f"/v1/candidates/{candidate_id}/evidence/plate", None),
            ("POST", f"/v1/candidates/{candidate_id}/decision", {"decision": "reject", "reason": "duplicate"}),
        ]
        oversight = [
            ("GET", "/v1/audit", None),
            ("POST", "/v1/exports", None),
            ("GET", f"/v1/exports/{uuid.uuid4()}.csv", None),
            ("GET", f"/v1/letters/{candidate_id}", None),
        ]
        purge = ("POST", "/v1/retention/purge", {"now": "2000-01-01T00:00:00Z"})

        async def status(headers: dict[str, str] | None, method: str, path: str, body: Any) -> int:
            return (await client.request(method, path, json=body, headers=headers)).status_code

        for route in [*personal, *oversight, ("GET", "/v1/stats", None), purge]:
            assert await status(None, *route) == 401, route
            assert await status(CAMERA, *route) == 403, route
        for route in [*oversight, ("GET", "/v1/stats", None), purge]:
            assert await status(REVIEWER, *route) == 403, route
        for route in [*personal, *oversight, purge]:
            assert await status(OPERATOR, *route) == 403, route
        assert await status(OPERATOR, "GET", "/v1/stats", None) == 200
        assert await status(SUPERVISOR, "GET", "/v1/stats", None) == 200
        assert await status(SUPERVISOR, "GET", "/v1/audit", None) == 200
        assert await status(SUPERVISOR, *purge) == 403
        assert await status(REVIEWER, *personal[0]) == 200
        assert await status(REVIEWER, *personal[3]) == 200
        assert await status(ADMIN, *purge) == 200
