"""The check answers each role with what it needs, every read of permit data carries a purpose and leaves
a read-log row, and the retention purge deletes ended permits, their audit trail and old read-log rows
in PostgreSQL, with a tombstone on the compacted topic."""

import asyncio
import uuid
from typing import Any

import httpx
import pytest

from anpr_contracts import EXEMPTIONS
from anpr_exemptions.config import ExemptionsSettings
from anpr_runtime.kafka import new_consumer
from anpr_runtime.pseudonym import vehicle_key

from .conftest import ADMIN, OPERATOR, PERMIT_DESK, REVIEWER, SERVICE, SUPERVISOR, a_plate

REGIME = "milieuzone-centrum"
AT = "2026-03-02T12:00:00+01:00"


def a_permit(plate: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "plate": plate,
        "kind": "disabled",
        "regimes": [REGIME],
        "valid_from": "2026-01-01T00:00:00+01:00",
        "reference": "GPK-2026-0042",
        "issuer": "Gemeente Haarlem",
    }
    return body | overrides


async def issued(api: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    response = await api.post("/v1/exemptions", json=body, headers=PERMIT_DESK)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def read_log(api: httpx.AsyncClient, **body: Any) -> list[dict[str, Any]]:
    response = await api.post("/v1/read-log/search", json=body, headers=SUPERVISOR)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


@pytest.mark.parametrize(("caller", "sees_details"), [(REVIEWER, False), (SERVICE, False)])
async def test_reviewers_and_services_learn_exempt_and_the_regime_only(
    api: httpx.AsyncClient, caller: dict[str, str], sees_details: bool
) -> None:
    plate = a_plate()
    await issued(api, a_permit(plate))

    response = await api.post("/v1/check", json={"plate": plate, "regime": REGIME, "at": AT}, headers=caller)

    assert response.status_code == 200, response.text
    assert response.json() == {"exempt": True, "regime": REGIME}
    assert "disabled" not in response.text
    assert "GPK" not in response.text


@pytest.mark.parametrize("caller", [PERMIT_DESK, OPERATOR, SUPERVISOR, ADMIN])
async def test_the_desk_operators_supervisors_and_admin_see_the_permit(
    api: httpx.AsyncClient, caller: dict[str, str]
) -> None:
    plate = a_plate()
    permit = await issued(api, a_permit(plate))

    response = await api.post("/v1/check", json={"plate": plate, "regime": REGIME, "at": AT}, headers=caller)

    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["exempt"], answer["regime"]) == (True, REGIME)
    assert [(e["exemption_id"], e["kind"], e["reference"]) for e in answer["exemptions"]] == [
        (permit["exemption_id"], "disabled", "GPK-2026-0042")
    ]


async def test_not_exempt_is_the_same_shape(api: httpx.AsyncClient) -> None:
    response = await api.post("/v1/check", json={"plate": a_plate(), "regime": REGIME, "at": AT}, headers=REVIEWER)

    assert response.json() == {"exempt": False, "regime": REGIME}


async def test_every_check_is_in_the_read_log_with_its_purpose_and_without_the_plate(
    api: httpx.AsyncClient, settings: ExemptionsSettings
) -> None:
    plate = a_plate()
    permit = await issued(api, a_permit(plate))
    headers = {**REVIEWER, "X-Purpose": "review: candidate 8f1c"}

    assert (await api.post("/v1/check", json={"plate": plate, "regime": REGIME, "at": AT}, headers=headers)).is_success

    [row] = await read_log(api, plate=plate)
    assert row["action"] == "check"
    assert row["purpose"] == "review: candidate 8f1c"
    assert row["plate_key"] == vehicle_key(plate, settings.pseudonym_key.get_secret_value())
    assert row["exemption_ids"] == [permit["exemption_id"]]
    assert row["actor"].startswith("reviewer-")  # a static token's stable fingerprint subject


async def test_every_read_of_permit_data_is_logged(api: httpx.AsyncClient) -> None:
    plate = a_plate()
    permit = await issued(api, a_permit(plate))
    url = f"/v1/exemptions/{permit['exemption_id']}"

    assert (await api.get("/v1/exemptions", params={"plate": plate}, headers=OPERATOR)).is_success
    assert (await api.get(url, headers=OPERATOR)).is_success
    assert (await api.get(f"{url}/audit", headers=PERMIT_DESK)).is_success
    assert (await api.post("/v1/quota", json={"plate": plate}, headers=PERMIT_DESK)).is_success

    rows = await read_log(api, plate=plate)
    assert [(r["action"], r["purpose"]) for r in reversed(rows)] == [
        ("search", "permit_desk"),
        ("view", "permit_desk"),
        ("view_audit", "permit_desk"),
        ("quota", "permit_desk"),
    ]


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("POST", "/v1/check", {"json": {"plate": "AB12CD", "regime": REGIME, "at": AT}}),
        ("GET", "/v1/exemptions", {}),
        ("GET", "/v1/exemptions/some-id", {}),
        ("GET", "/v1/exemptions/some-id/audit", {}),
        ("POST", "/v1/quota", {"json": {"plate": "AB12CD"}}),
    ],
)
@pytest.mark.parametrize("purpose", [None, "curiosity"])
async def test_a_read_without_a_purpose_of_the_role_is_400_with_the_allowed_list(
    api: httpx.AsyncClient, method: str, path: str, kwargs: dict[str, Any], purpose: str | None
) -> None:
    headers = {"Authorization": PERMIT_DESK["Authorization"]} | ({"X-Purpose": purpose} if purpose else {})

    response = await api.request(method, path, headers=headers, **kwargs)

    assert response.status_code == 400, response.text
    assert "X-Purpose" in response.json()["detail"]
    assert "one of: permit_desk" in response.json()["detail"]


async def test_a_reviewer_may_not_give_the_desks_purpose(api: httpx.AsyncClient) -> None:
    headers = {**REVIEWER, "X-Purpose": "permit_desk"}

    response = await api.post("/v1/check", json={"plate": "AB12CD", "regime": REGIME, "at": AT}, headers=headers)

    assert response.status_code == 400
    assert "one of: review" in response.json()["detail"]


async def test_the_old_get_check_points_to_the_post(api: httpx.AsyncClient) -> None:
    response = await api.get("/v1/check", params={"plate": "AB12CD", "regime": REGIME, "at": AT}, headers=REVIEWER)

    assert response.status_code == 410
    assert "POST /v1/check" in response.json()["detail"]
    assert "AB12CD" not in response.text


async def tombstones(settings: ExemptionsSettings, timeout: float = 20) -> list[str]:
    consumer = new_consumer(settings, settings.topic(EXEMPTIONS.name), group_id=f"reader-{uuid.uuid4().hex}")
    await consumer.start()
    found: list[str] = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while not found and asyncio.get_running_loop().time() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                found += [(r.key or b"").decode() for r in records if r.value is None]
    finally:
        await consumer.stop()
    return found


async def test_the_purge_deletes_ended_permits_their_audit_and_old_reads_and_buries_them_on_the_topic(
    api: httpx.AsyncClient, settings: ExemptionsSettings
) -> None:
    plate = a_plate()
    ended = await issued(api, a_permit(plate, valid_until="2026-02-01T00:00:00+01:00"))
    revoked = await issued(api, a_permit(plate))
    kept = await issued(api, a_permit(plate))
    assert (await api.post(f"/v1/exemptions/{revoked['exemption_id']}/revoke", headers=PERMIT_DESK)).is_success
    assert (await api.post("/v1/check", json={"plate": plate, "regime": REGIME, "at": AT}, headers=REVIEWER)).is_success

    # The defaults keep a year; a clock two years on is past every period of this test's permits.
    purge = await api.post("/v1/retention/purge", json={"now": "2028-06-01T00:00:00+02:00"}, headers=ADMIN)

    assert purge.status_code == 200, purge.text
    assert purge.json()["purged"]["expired"] >= 1
    assert purge.json()["purged"]["revoked"] >= 1
    for gone in (ended, revoked):
        url = f"/v1/exemptions/{gone['exemption_id']}"
        assert (await api.get(url, headers=SUPERVISOR)).status_code == 404
        assert (await api.get(f"{url}/audit", headers=SUPERVISOR)).status_code == 404
    assert (await api.get(f"/v1/exemptions/{kept['exemption_id']}/audit", headers=SUPERVISOR)).json()
    assert [r["action"] for r in await read_log(api, plate=plate)] == ["view_audit"], "the check's row went"
    assert {ended["exemption_id"], revoked["exemption_id"]} <= set(await tombstones(settings))


async def test_only_admin_runs_the_purge(api: httpx.AsyncClient) -> None:
    refused = await api.post("/v1/retention/purge", json={"now": "2028-06-01T00:00:00+02:00"}, headers=SUPERVISOR)

    assert refused.status_code == 403
