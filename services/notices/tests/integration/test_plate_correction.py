"""A reviewer corrects a misread plate; the REAL rules service judges the corrected read: an old diesel
replaces the candidate with a new one, a petrol car closes it as corrected_no_violation."""

from collections.abc import Callable
from typing import Any

from .helpers import REVIEWER, arrived, candidate_row, until
from .pipeline import REGIME, pipeline


async def test_plate_correction_round_trip_through_rules(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    async with pipeline(isolated, run_app) as p:
        # Neither misread plate is in the registry: review-only candidates come out of rules.
        diesel_misread, petrol_misread = await p.read("63HKH0"), await p.read("57LFJ8")
        diesel_key, petrol_key = f"{REGIME}:{diesel_misread.read_id}", f"{REGIME}:{petrol_misread.read_id}"
        diesel_id, petrol_id = await arrived(p.settings, diesel_key), await arrived(p.settings, petrol_key)
        misread = (await p.notices.get(f"/v1/candidates/{diesel_id}", headers=REVIEWER)).json()
        assert (misread["plate"], misread["enforceable"], misread["fine_eur"]) == ("63HKH0", False, None)

        correct = {"decision": "reject", "reason": "misread", "corrected_plate": "63HKHD"}
        response = await p.notices.post(f"/v1/candidates/{diesel_id}/decision", json=correct, headers=REVIEWER)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "reevaluating"
        correct = {"decision": "accept", "corrected_plate": "57LFJB"}
        response = await p.notices.post(f"/v1/candidates/{petrol_id}/decision", json=correct, headers=REVIEWER)
        assert response.json()["status"] == "reevaluating"

        new_id = await arrived(p.settings, f"{diesel_key}:corrected")

        async def closed(candidate_id: object, status: str) -> dict[str, Any] | None:
            found = (await p.notices.get(f"/v1/candidates/{candidate_id}", headers=REVIEWER)).json()
            return found if found["status"] == status else None

        old = await until(lambda: closed(diesel_id, "replaced"))
        petrol = await until(lambda: closed(petrol_id, "corrected_no_violation"))
        new = (await p.notices.get(f"/v1/candidates/{new_id}", headers=REVIEWER)).json()

    assert old["replaced_by"] == str(new_id)
    assert old["decisions"][0]["corrected_plate"] == "63HKHD"
    assert new["replaces"] == str(diesel_id)
    assert (new["status"], new["plate"], new["formatted"]) == ("pending", "63HKHD", None)
    assert (new["enforceable"], new["fine_eur"], new["regime_id"]) == (True, 120, REGIME)
    assert any("emission class 3" in line for line in new["explanation"])
    assert new["evidence"].keys() == {"plate", "overview"}  # the photos travelled with the correction
    assert (new["observed_at"], new["camera_id"]) == (old["observed_at"], old["camera_id"])
    assert petrol["replaced_by"] is None
    assert await candidate_row(p.settings, f"{petrol_key}:corrected") is None
