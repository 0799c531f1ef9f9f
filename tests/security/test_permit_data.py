"""Permit data against the running services: the check answers each role with only what it needs, every
read of permit data needs a purpose of the caller's role and leaves a read-log row, and ended permits
are purged with their audit trail."""

import uuid
from typing import Any

import pytest

from anpr_runtime.auth import Role

from .host import ROLE_TOKENS, ServiceHost

pytestmark = pytest.mark.integration

REGIME = "milieuzone-centrum"
AT = "2026-03-02T12:00:00+01:00"
PURPOSE = {
    Role.ADMIN: "administration",
    Role.REVIEWER: "review",
    Role.SUPERVISOR: "supervision",
    Role.OPERATOR: "permit_desk",
    Role.PERMIT_DESK: "permit_desk",
    Role.SERVICE: "enforcement",
}
DETAILS = {Role.ADMIN, Role.SUPERVISOR, Role.OPERATOR, Role.PERMIT_DESK}
YES_OR_NO = {Role.REVIEWER, Role.SERVICE}


def as_role(role: Role, purpose: str | None = "") -> dict[str, str]:
    headers = {"Authorization": f"Bearer {ROLE_TOKENS[role]}"}
    given = PURPOSE[role] if purpose == "" else purpose
    return headers | ({"X-Purpose": given} if given else {})


def a_plate() -> str:
    return "S" + uuid.uuid4().hex[:7].upper()


def grant(host: ServiceHost, plate: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "plate": plate,
        "kind": "disabled",  # health data: only those who issue and oversee permits may learn it
        "regimes": [REGIME],
        "valid_from": "2026-01-01T00:00:00+01:00",
        "reference": "GPK-2026-0042",
        "issuer": "Gemeente Haarlem",
    } | overrides
    response = host.request("exemptions", "POST", "/v1/exemptions", json=body, headers=as_role(Role.PERMIT_DESK))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def check(host: ServiceHost, role: Role, plate: str, purpose: str | None = "") -> Any:
    body = {"plate": plate, "regime": REGIME, "at": AT}
    return host.request("exemptions", "POST", "/v1/check", json=body, headers=as_role(role, purpose))


def read_log(host: ServiceHost, plate: str) -> list[dict[str, Any]]:
    response = host.request(
        "exemptions", "POST", "/v1/read-log/search", json={"plate": plate}, headers=as_role(Role.SUPERVISOR)
    )
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


def test_the_check_answers_each_role_with_what_it_may_know_and_logs_every_answer(host: ServiceHost) -> None:
    plate = a_plate()
    permit = grant(host, plate)

    answers = {role: check(host, role, plate) for role in DETAILS | YES_OR_NO}

    for role, response in answers.items():
        assert response.status_code == 200, f"{role}: {response.text}"
        answer = response.json()
        assert (answer["exempt"], answer["regime"]) == (True, REGIME), role
        if role in YES_OR_NO:
            assert answer == {"exempt": True, "regime": REGIME}, role
            assert "disabled" not in response.text, role
            assert "GPK-2026-0042" not in response.text, role
        else:
            assert [(e["kind"], e["reference"]) for e in answer["exemptions"]] == [("disabled", "GPK-2026-0042")]
    rows = [r for r in read_log(host, plate) if r["action"] == "check"]
    assert sorted(r["purpose"] for r in rows) == sorted(PURPOSE[role] for role in answers)
    assert all(r["exemption_ids"] == [permit["exemption_id"]] for r in rows)
    assert all(plate not in str(r) for r in rows), "the read log keeps the vehicle's pseudonym, not its plate"


@pytest.mark.parametrize("purpose", [None, "curiosity", "permit_desk"])
def test_a_check_without_a_purpose_of_the_role_is_refused_and_not_answered(
    host: ServiceHost, purpose: str | None
) -> None:
    plate = a_plate()
    grant(host, plate)

    response = check(host, Role.REVIEWER, plate, purpose)

    assert response.status_code == 400, response.text
    assert "X-Purpose" in response.json()["detail"]
    assert "one of: review" in response.json()["detail"]
    assert "exempt" not in response.json()
    assert [r for r in read_log(host, plate) if r["action"] == "check"] == []


def test_the_plate_has_no_way_into_a_url_any_more(host: ServiceHost) -> None:
    plate = a_plate()
    params = {"plate": plate, "regime": REGIME, "at": AT}

    response = host.request("exemptions", "GET", "/v1/check", params=params, headers=as_role(Role.REVIEWER))

    assert response.status_code == 410
    assert "POST /v1/check" in response.json()["detail"]
    assert plate not in response.text


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("GET", "/v1/exemptions", {"params": {"kind": "disabled"}}),
        ("GET", "/v1/exemptions/{id}", {}),
        ("GET", "/v1/exemptions/{id}/audit", {}),
        ("POST", "/v1/quota", {"json": {"plate": "{plate}"}}),
    ],
)
def test_every_other_read_of_permit_data_needs_a_purpose_too(
    host: ServiceHost, method: str, path: str, kwargs: dict[str, Any]
) -> None:
    plate = a_plate()
    permit = grant(host, plate)
    url = path.replace("{id}", permit["exemption_id"])
    filled = {k: ({n: plate if v == "{plate}" else v for n, v in a.items()}) for k, a in kwargs.items()}

    refused = host.request("exemptions", method, url, headers=as_role(Role.PERMIT_DESK, None), **filled)
    served = host.request("exemptions", method, url, headers=as_role(Role.PERMIT_DESK), **filled)

    assert refused.status_code == 400, refused.text
    assert served.status_code == 200, served.text


def test_ended_and_revoked_permits_are_purged_with_their_audit_trail(host: ServiceHost) -> None:
    plate = a_plate()
    ended = grant(host, plate, valid_until="2026-02-01T00:00:00+01:00")
    revoked = grant(host, plate)
    current = grant(host, plate)
    gone = host.request(
        "exemptions", "POST", f"/v1/exemptions/{revoked['exemption_id']}/revoke", headers=as_role(Role.PERMIT_DESK)
    )
    assert gone.status_code == 200, gone.text

    early = host.request("exemptions", "POST", "/v1/retention/purge", json={}, headers=as_role(Role.ADMIN))
    # The default keeps a year after the end: two years on, both are past it; the current permit is not.
    later = {"now": "2028-06-01T00:00:00+02:00"}
    refused = host.request("exemptions", "POST", "/v1/retention/purge", json=later, headers=as_role(Role.SUPERVISOR))
    purged = host.request("exemptions", "POST", "/v1/retention/purge", json=later, headers=as_role(Role.ADMIN))

    assert early.status_code == 200, early.text
    assert refused.status_code == 403
    assert purged.status_code == 200, purged.text
    desk = as_role(Role.PERMIT_DESK)
    for permit in (ended, revoked):
        url = f"/v1/exemptions/{permit['exemption_id']}"
        assert host.request("exemptions", "GET", url, headers=desk).status_code == 404
        assert host.request("exemptions", "GET", f"{url}/audit", headers=desk).status_code == 404
    kept = host.request("exemptions", "GET", f"/v1/exemptions/{current['exemption_id']}/audit", headers=desk)
    assert [entry["action"] for entry in kept.json()] == ["grant"]
    assert check(host, Role.SERVICE, plate).json() == {"exempt": True, "regime": REGIME}
