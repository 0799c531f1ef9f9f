"""People's own tokens end up as subject + display name in decisions, audit rows, export batches, export
records and letters; four-eyes and the audit filter go by subject, so two people who share a name are two."""

from collections.abc import Callable
from typing import Any
from uuid import uuid4

from anpr_contracts import CANDIDATES, RegimeMode
from anpr_notices.entrypoints.api import create_app

from .helpers import REVIEWER, SUPERVISOR, a_candidate, api, arrived, notices_settings, publish
from .people import People

# Subjects as Keycloak makes them, new per run: the database and its audit trail outlive a test run.
ANNA_SUB, JAN_1_SUB, JAN_2_SUB, CHRIS_SUB = (str(uuid4()) for _ in range(4))


async def test_a_persons_token_is_recorded_as_sub_and_name(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings = notices_settings(isolated, four_eyes={"milieuzone-centrum": {"below_confidence": 0.9}})
    people = People()
    anna = people.headers(ANNA_SUB, "Anna de Vries", "reviewer")
    jan_1 = people.headers(JAN_1_SUB, "Jan de Jong", "reviewer")
    jan_2 = people.headers(JAN_2_SUB, "Jan de Jong", "reviewer")
    chris = people.headers(CHRIS_SUB, "Chris Bakker", "supervisor")
    warning = a_candidate(plate="71PPL1", mode=RegimeMode.WARN)
    doubtful = a_candidate(plate="72PPL2", confidence=0.7)  # four-eyes: two reviewers
    app = create_app(settings)
    async with run_app(app), api(app) as client:
        people.trust(app)
        assert (await client.post("/v1/exports", headers=SUPERVISOR)).status_code == 201  # sweep other tests'
        await publish(settings.kafka_bootstrap, settings.topic(CANDIDATES.name), warning, doubtful)
        warning_id = str(await arrived(settings, warning.candidate_key))
        doubtful_id = str(await arrived(settings, doubtful.candidate_key))

        decided = await client.post(f"/v1/candidates/{warning_id}/decision", json={"decision": "accept"}, headers=anna)
        first = await client.post(f"/v1/candidates/{doubtful_id}/decision", json={"decision": "accept"}, headers=jan_1)
        second = await client.post(f"/v1/candidates/{doubtful_id}/decision", json={"decision": "accept"}, headers=jan_2)
        letter = await client.get(f"/v1/letters/{warning_id}", headers=chris)
        batch = (await client.post("/v1/exports", headers=chris)).json()
        records = (await client.get(batch["json"], headers=chris)).json()
        listed = (await client.get("/v1/exports", params={"limit": 2}, headers=chris)).json()["items"]
        anna_trail = (await client.get("/v1/audit", params={"actor": ANNA_SUB}, headers=chris)).json()
        by_name = (await client.get("/v1/audit", params={"actor": "Anna de Vries"}, headers=chris)).json()

    assert decided.status_code == 200, decided.text
    [decision] = decided.json()["decisions"]
    assert (decision["by"], decision["by_name"]) == (ANNA_SUB, "Anna de Vries")
    # Two people with one display name are two reviewers: four-eyes compares the subjects.
    assert first.json()["status"] == "awaiting_second_review"
    assert second.status_code == 200, second.text
    assert second.json()["status"] == "notice_issued"
    assert [(d["by"], d["by_name"]) for d in second.json()["decisions"]] == [
        (JAN_1_SUB, "Jan de Jong"),
        (JAN_2_SUB, "Jan de Jong"),
    ]
    assert letter.status_code == 200
    assert "Anna de Vries" in letter.text
    assert ANNA_SUB not in letter.text
    # At least ours: other tests on the shared database may issue between the sweep and this batch.
    assert (batch["created_by"], batch["created_by_name"]) == (CHRIS_SUB, "Chris Bakker")
    assert batch["count"] >= 2
    assert (records["created_by"], records["created_by_name"]) == (CHRIS_SUB, "Chris Bakker")
    officers = {
        item["plate"]: (item["officer_ids"], item["officer_names"])
        for item in records["items"]
        if item["plate"] in {"71PPL1", "72PPL2"}
    }
    assert officers == {
        "71PPL1": ([ANNA_SUB], ["Anna de Vries"]),
        "72PPL2": ([JAN_1_SUB, JAN_2_SUB], ["Jan de Jong", "Jan de Jong"]),
    }
    assert listed[0]["batch_id"] == batch["batch_id"]
    assert (listed[0]["created_by_name"], listed[0]["count"], listed[0]["csv"]) == (
        "Chris Bakker",
        batch["count"],
        f"/v1/exports/{batch['batch_id']}.csv",
    )
    assert {(row["action"], row["subject"], row["actor_name"]) for row in anna_trail} == {
        ("decide:accept", warning_id, "Anna de Vries")
    }
    assert by_name == []  # the filter is on the stable subject: a display name is not an identity


async def test_the_export_list_is_for_supervisors(isolated: Callable[..., Any], run_app: Callable[..., Any]) -> None:
    settings = notices_settings(isolated)
    app = create_app(settings)
    async with run_app(app), api(app) as client:
        refused = await client.get("/v1/exports", headers=REVIEWER)
        bad_limit = await client.get("/v1/exports", params={"limit": 0}, headers=SUPERVISOR)

    assert refused.status_code == 403
    assert bad_limit.status_code == 422
