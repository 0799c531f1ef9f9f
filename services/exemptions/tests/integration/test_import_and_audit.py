"""CSV import through the API, and the audit trail of a permit's life."""

import httpx

from anpr_exemptions.config import ExemptionsSettings

from .conftest import OPERATOR, SUPERVISOR, a_plate, published

HEADER = "plate,kind,regimes,zones,valid_from,valid_until,daily_from,daily_until,day,reference,issuer"
CSV = {**OPERATOR, "Content-Type": "text/csv; charset=utf-8"}


async def test_import_creates_good_rows_and_reports_bad_ones(
    api: httpx.AsyncClient, settings: ExemptionsSettings
) -> None:
    good, other = a_plate(), a_plate()
    body = "\n".join(
        [
            HEADER,
            f"{good},resident,milieuzone-centrum,,2026-01-01,,,,,R-2,Gemeente",
            f"{good},bribe,,,2026-01-01,,,,,R-3,Gemeente",
            f"{other},day-permit,ze-centrum,,,,,,2026-04-01,R-4,Gemeente",
            f"{other},day-permit,,,2026-01-01,,,,2026-04-02,R-5,Gemeente",
            f"{other},works,,,2026-01-01T08:00:00+01:00,2026-01-01T07:00:00+01:00,,,,R-6,Gemeente",
            "",
        ]
    )

    response = await api.post("/v1/exemptions/import", content=body.encode(), headers=CSV)

    assert response.status_code == 200, response.text
    result = response.json()
    assert [c["row"] for c in result["created"]] == [2, 4]
    errors = {e["row"]: e["error"] for e in result["errors"]}
    assert sorted(errors) == [3, 5, 6]
    assert "kind: Input should be" in errors[3]
    assert "takes only day, not valid_from" in errors[5]
    assert "must be after valid_from" in errors[6]
    keys = {key for key, _ in await published(settings, 2)}
    assert keys == {c["exemption_id"] for c in result["created"]}
    found = await api.get("/v1/exemptions", params={"plate": other}, headers=OPERATOR)
    assert [e["day"] for e in found.json()] == ["2026-04-01"]


async def test_a_bad_file_is_refused_whole(api: httpx.AsyncClient) -> None:
    wrong_type = await api.post(
        "/v1/exemptions/import", content=b"{}", headers={**OPERATOR, "Content-Type": "application/json"}
    )
    assert wrong_type.status_code == 415
    assert "text/csv" in wrong_type.json()["detail"]
    bad_header = await api.post("/v1/exemptions/import", content=b"kenteken,soort\nAB12CD,resident\n", headers=CSV)
    assert bad_header.status_code == 422
    assert "unknown column(s) 'kenteken', 'soort'" in bad_header.json()["detail"]
    empty = await api.post("/v1/exemptions/import", content=b"", headers=CSV)
    assert empty.status_code == 422


async def test_audit_trail_shows_who_changed_what_and_when(api: httpx.AsyncClient) -> None:
    body = {
        "plate": a_plate(),
        "kind": "business",
        "valid_from": "2026-01-01T00:00:00Z",
        "reference": "B-1",
        "issuer": "Gemeente",
    }
    permit_id = (await api.post("/v1/exemptions", json=body, headers=OPERATOR)).json()["exemption_id"]
    url = f"/v1/exemptions/{permit_id}"
    assert (
        await api.patch(url, json={"reference": "B-2", "daily_from": "07:00", "daily_until": "19:00"}, headers=OPERATOR)
    ).status_code == 200
    assert (await api.post(f"{url}/revoke", headers=SUPERVISOR)).status_code == 403  # supervisors audit, not issue
    assert (await api.post(f"{url}/revoke")).status_code == 401
    assert (await api.post(f"{url}/revoke", headers=OPERATOR)).status_code == 200

    response = await api.get(f"{url}/audit", headers=SUPERVISOR)

    assert response.status_code == 200, response.text
    trail = response.json()
    assert [(e["action"], e["actor"]) for e in trail] == [
        ("grant", "operator-1"),
        ("update", "operator-1"),
        ("revoke", "operator-1"),
    ]
    grant, change, revoke = trail
    assert grant["before"] is None
    assert grant["after"]["reference"] == "B-1"
    assert change["changed"] == ["daily_from", "daily_until", "reference"]
    assert (change["before"]["reference"], change["after"]["reference"]) == ("B-1", "B-2")
    assert change["after"]["daily_from"] == "07:00:00"
    assert revoke["changed"] == ["revoked"]
    assert grant["at"] <= change["at"] <= revoke["at"]
