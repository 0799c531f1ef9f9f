"""Offender history against the real database: the same vehicle's earlier candidates in the same regime,
newest first, with their decisions, never another regime's; every candidate shown is audited."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from anpr_contracts import CANDIDATES
from anpr_notices.entrypoints.api import create_app

from .helpers import OPERATOR, REVIEWER, SUPERVISOR, a_candidate, api, arrived, notices_settings, publish

OTHER_REGIME = "zone-zero-emissie"


async def test_history_shows_the_vehicles_earlier_candidates_in_that_regime_only(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings = notices_settings(isolated)
    plate = "H" + uuid4().hex[:6].upper()  # no other test's vehicle
    now = datetime.now(UTC)
    oldest = a_candidate(plate=plate, observed_at=now - timedelta(days=30), location_id="loc-a")
    rejected = a_candidate(plate=plate, observed_at=now - timedelta(days=10), location_id="loc-b")
    elsewhere = a_candidate(plate=plate, observed_at=now - timedelta(days=5), regime_id=OTHER_REGIME)
    other_car = a_candidate(plate="Z" + uuid4().hex[:6].upper(), observed_at=now - timedelta(days=3))
    current = a_candidate(plate=plate, observed_at=now - timedelta(hours=1))
    later = a_candidate(plate=plate, observed_at=now)
    events = (oldest, rejected, elsewhere, other_car, current, later)
    app = create_app(settings)
    async with run_app(app), api(app) as client:
        await publish(settings.kafka_bootstrap, settings.topic(CANDIDATES.name), *events)
        ids = [str(await arrived(settings, c.candidate_key)) for c in events]
        oldest_id, rejected_id, _, _, current_id, _ = ids
        reject = {"decision": "reject", "reason": "exempt"}
        assert (await client.post(f"/v1/candidates/{rejected_id}/decision", json=reject, headers=REVIEWER)).is_success

        history = await client.get(
            f"/v1/candidates/{current_id}/history",
            headers={**SUPERVISOR, "X-Purpose": "investigation: kloon-onderzoek"},
        )
        refused = await client.get(f"/v1/candidates/{current_id}/history", headers=OPERATOR)
        unknown = await client.get(f"/v1/candidates/{uuid4()}/history", headers=REVIEWER)
        first_time = await client.get(f"/v1/candidates/{oldest_id}/history", headers=REVIEWER)
        # Only this run's rows: the database is shared with earlier runs and other tests.
        mine: dict[str, str | int] = {"actor": "supervisor-4", "since": now.isoformat(), "limit": 1000}
        audit = await client.get("/v1/audit", params=mine, headers=SUPERVISOR)

    assert history.status_code == 200, history.text
    items = history.json()["items"]
    assert [item["id"] for item in items] == [rejected_id, oldest_id]
    newest = items[0]
    assert (newest["status"], newest["decision"], newest["reason"], newest["location"]) == (
        "rejected",
        "reject",
        "exempt",
        "loc-b",
    )
    assert (newest["decided_by"], newest["decided_by_name"]) == ("reviewer-2", "reviewer-2")
    assert (items[1]["status"], items[1]["decision"], items[1]["decided_by"]) == ("pending", None, None)
    assert refused.status_code == 403
    assert unknown.status_code == 404
    assert first_time.json() == {"items": []}
    shown = {(row["subject"], row["reason"]) for row in audit.json() if row["action"] == "view_history"}
    assert shown == {(i, "investigation: kloon-onderzoek") for i in (current_id, rejected_id, oldest_id)}
