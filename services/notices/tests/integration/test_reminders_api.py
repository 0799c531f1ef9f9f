"""The monthly reminder run against the real database: a warned vehicle seen again in warn mode is one
reminder, however often the month is run; other vehicles, regimes and rejected sightings are not."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from anpr_contracts import CANDIDATES, RegimeMode
from anpr_notices.entrypoints.api import create_app

from .helpers import REVIEWER, SUPERVISOR, a_candidate, api, arrived, notices_settings, publish


async def test_a_warned_vehicle_seen_again_is_one_reminder_however_often_the_month_runs(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings = notices_settings(isolated)
    regime = f"reminder-{uuid.uuid4().hex[:8]}"  # the shared database holds other tests' warnings
    warned = a_candidate(plate="11AAA1", regime_id=regime, mode=RegimeMode.WARN)
    never_warned = a_candidate(plate="22BBB2", regime_id=regime, mode=RegimeMode.WARN)
    app = create_app(settings)
    async with run_app(app), api(app) as client:
        topic = settings.topic(CANDIDATES.name)
        await publish(settings.kafka_bootstrap, topic, warned, never_warned)
        first = str(await arrived(settings, warned.candidate_key))
        await arrived(settings, never_warned.candidate_key)
        accepted = await client.post(f"/v1/candidates/{first}/decision", json={"decision": "accept"}, headers=REVIEWER)
        assert accepted.json()["status"] == "warning_issued"
        # Seen again after the warning, twice, and once more but rejected: one reminder, the first sighting.
        again = [a_candidate(plate="11AAA1", regime_id=regime, mode=RegimeMode.WARN) for _ in range(3)]
        await publish(settings.kafka_bootstrap, topic, *again)
        seen = [str(await arrived(settings, c.candidate_key)) for c in again]
        rejected = {"decision": "reject", "reason": "misread"}
        await client.post(f"/v1/candidates/{seen[2]}/decision", json=rejected, headers=REVIEWER)
        month = datetime.now(UTC).strftime("%Y-%m")

        refused = await client.post("/v1/reminders/run", json={"month": month}, headers=REVIEWER)
        missing = await client.get("/v1/reminders/1999-01", headers=SUPERVISOR)
        bad = await client.post("/v1/reminders/run", json={"month": "2026-13"}, headers=SUPERVISOR)
        future = await client.post("/v1/reminders/run", json={"month": "2199-01"}, headers=SUPERVISOR)
        run1 = await client.post("/v1/reminders/run", json={"month": month}, headers=SUPERVISOR)
        run2 = await client.post("/v1/reminders/run", json={"month": month}, headers=SUPERVISOR)
        shown = await client.get(f"/v1/reminders/{month}", headers=SUPERVISOR)
        letter = await client.get(f"/v1/letters/{first}", headers=SUPERVISOR)
        trail = (await client.get("/v1/audit", params={"subject": f"reminders:{month}"}, headers=SUPERVISOR)).json()

    assert (refused.status_code, missing.status_code, bad.status_code, future.status_code) == (403, 404, 422, 422)
    assert run1.status_code == run2.status_code == shown.status_code == 200
    ours = [[i for i in r.json()["items"] if i["regime_id"] == regime] for r in (run1, run2, shown)]
    assert ours[0] == ours[1] == ours[2]
    assert [(i["plate"], i["warning_candidate_id"], i["seen_candidate_id"]) for i in ours[0]] == [
        ("11AAA1", first, seen[0])
    ]
    assert ours[0][0]["letter"] == f"/v1/letters/{first}"
    assert letter.status_code == 200
    assert "11AAA1" in letter.text
    assert len([row for row in trail if row["action"] == "reminder_run"]) >= 2
