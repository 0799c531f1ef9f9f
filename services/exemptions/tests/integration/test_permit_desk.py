"""The permit desk's work through the API: its role issues, changes, revokes, imports, searches and reads a
permit's trail; the day-permit quota left for a vehicle; who changed a permit, by subject and name."""

import httpx

from anpr_exemptions.domain.csv_rows import HEADER

from .conftest import OPERATOR, PERMIT_DESK, REVIEWER, SUPERVISOR, a_plate


def a_permit(plate: str) -> dict[str, str]:
    return {"plate": plate, "kind": "resident", "valid_from": "2026-01-01T00:00:00+01:00", "reference": "R-1",
            "issuer": "Gemeente"}  # fmt: skip


def a_day_permit(plate: str, day: str) -> dict[str, str]:
    return {"plate": plate, "kind": "day-permit", "day": day, "reference": f"DAG-{day}", "issuer": "Gemeente"}


async def test_the_permit_desk_issues_changes_revokes_imports_searches_and_reads_the_trail(
    api: httpx.AsyncClient,
) -> None:
    plate = a_plate()
    created = await api.post("/v1/exemptions", json=a_permit(plate), headers=PERMIT_DESK)
    assert created.status_code == 201, created.text
    url = f"/v1/exemptions/{created.json()['exemption_id']}"
    assert (await api.patch(url, json={"reference": "R-2"}, headers=PERMIT_DESK)).status_code == 200
    assert (await api.post(f"{url}/revoke", headers=PERMIT_DESK)).status_code == 200
    imported = await api.post(
        "/v1/exemptions/import",
        content=f"{HEADER}\n{a_plate()},business,,,2026-01-01T00:00:00Z,,,,,IMP-1,Gemeente\n",
        headers={**PERMIT_DESK, "Content-Type": "text/csv"},
    )
    found = await api.get("/v1/exemptions", params={"plate": plate}, headers=PERMIT_DESK)
    trail = await api.get(f"{url}/audit", headers=PERMIT_DESK)

    assert imported.status_code == 200, imported.text
    assert (len(imported.json()["created"]), imported.json()["errors"]) == (1, [])
    assert [e["revoked"] for e in found.json()] == [True]
    assert trail.status_code == 200, trail.text
    assert [(e["action"], e["actor"], e["actor_name"]) for e in trail.json()] == [
        ("grant", "desk-1", "desk-1"),  # a machine token's display name is its subject
        ("update", "desk-1", "desk-1"),
        ("revoke", "desk-1", "desk-1"),
    ]


async def test_operators_may_still_issue_for_the_transition_and_others_may_not(api: httpx.AsyncClient) -> None:
    assert (await api.post("/v1/exemptions", json=a_permit(a_plate()), headers=OPERATOR)).status_code == 201
    assert (await api.post("/v1/exemptions", json=a_permit(a_plate()), headers=SUPERVISOR)).status_code == 403
    assert (await api.post("/v1/exemptions", json=a_permit(a_plate()), headers=REVIEWER)).status_code == 403


async def test_quota_left_for_a_plate_this_year(api: httpx.AsyncClient) -> None:
    plate = a_plate()
    ids = []
    for day in ("2031-02-01", "2031-02-02", "2031-02-03"):
        response = await api.post("/v1/exemptions", json=a_day_permit(plate, day), headers=PERMIT_DESK)
        assert response.status_code == 201, response.text
        ids.append(response.json()["exemption_id"])
    await api.post(f"/v1/exemptions/{ids[0]}/revoke", headers=PERMIT_DESK)  # gives its place back
    await api.post("/v1/exemptions", json=a_day_permit(plate, "2032-01-05"), headers=PERMIT_DESK)

    quota = await api.post("/v1/quota", json={"plate": plate.lower(), "year": 2031}, headers=PERMIT_DESK)
    this_year = await api.post("/v1/quota", json={"plate": plate}, headers=OPERATOR)

    assert quota.status_code == 200, quota.text
    assert quota.json() == {"plate": plate, "year": 2031, "municipality": "itest", "used": 2, "limit": 12, "left": 10}
    assert this_year.status_code == 200, this_year.text
    assert (this_year.json()["used"], this_year.json()["left"]) == (0, 12)  # none in the current year
    assert isinstance(this_year.json()["year"], int)


async def test_quota_refuses_bad_input_and_other_roles(api: httpx.AsyncClient) -> None:
    bad_plate = await api.post("/v1/quota", json={"plate": "AB-Ä1"}, headers=PERMIT_DESK)
    no_plate = await api.post("/v1/quota", json={}, headers=PERMIT_DESK)
    bad_year = await api.post("/v1/quota", json={"plate": "AB12CD", "year": 99999}, headers=PERMIT_DESK)
    extra = await api.post("/v1/quota", json={"plate": "AB12CD", "zone": "x"}, headers=PERMIT_DESK)

    assert [r.status_code for r in (bad_plate, no_plate, bad_year, extra)] == [422, 422, 422, 422]
    assert "letters A-Z and digits" in bad_plate.text
    assert (await api.post("/v1/quota", json={"plate": "AB12CD"}, headers=REVIEWER)).status_code == 403
    assert (await api.post("/v1/quota", json={"plate": "AB12CD"}, headers=SUPERVISOR)).status_code == 403
    assert (await api.post("/v1/quota", json={"plate": "AB12CD"})).status_code == 401
