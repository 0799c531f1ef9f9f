"""Create, change, revoke, read and search permits through the API; every change reaches the topic."""

from dataclasses import replace
from typing import Any

import httpx
import pytest
from pydantic import BaseModel

from anpr_exemptions.bootstrap import ExemptionsComponents
from anpr_exemptions.config import ExemptionsSettings
from anpr_exemptions.entrypoints.api import create_app
from anpr_runtime import RetriableError
from anpr_runtime.pseudonym import vehicle_key

from .conftest import OPERATOR, REVIEWER, SUPERVISOR, a_plate, published


def a_permit(plate: str, **overrides: Any) -> dict[str, Any]:
    return {
        "plate": plate,
        "kind": "resident",
        "regimes": ["milieuzone-centrum"],
        "valid_from": "2026-01-01T00:00:00+01:00",
        "reference": "VERG-1",
        "issuer": "Gemeente Haarlem",
    } | overrides


async def test_create_publishes_a_pseudonymous_change_keyed_by_id(
    api: httpx.AsyncClient, settings: ExemptionsSettings
) -> None:
    plate = a_plate()
    body = a_permit(plate, zones=["binnenstad"], daily_from="22:00", daily_until="02:00")

    response = await api.post("/v1/exemptions", json=body, headers=OPERATOR)

    assert response.status_code == 201, response.text
    created = response.json()
    assert created["plate"] == plate
    assert created["daily_from"] == "22:00:00"
    [(key, event)] = await published(settings, 1)
    assert key == created["exemption_id"] == event.exemption_id
    assert event.plate_key == vehicle_key(plate, settings.pseudonym_key.get_secret_value())
    assert plate not in event.model_dump_json()
    assert event.zones == ("binnenstad",)
    assert event.daily_from is not None
    assert event.daily_from.hour == 22
    fetched = await api.get(f"/v1/exemptions/{created['exemption_id']}", headers=SUPERVISOR)
    assert fetched.json() == created


async def test_patch_and_revoke_publish_the_new_state(api: httpx.AsyncClient, settings: ExemptionsSettings) -> None:
    created = (await api.post("/v1/exemptions", json=a_permit(a_plate()), headers=OPERATOR)).json()
    url = f"/v1/exemptions/{created['exemption_id']}"

    patched = await api.patch(
        url, json={"valid_until": "2026-07-01T00:00:00+02:00", "zones": ["noord"]}, headers=OPERATOR
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["zones"] == ["noord"]
    revoked = await api.post(f"{url}/revoke", headers=OPERATOR)
    assert revoked.status_code == 200
    assert revoked.json()["revoked"] is True

    events = [event for _, event in await published(settings, 3)]
    assert [(e.zones, e.revoked) for e in events] == [((), False), (("noord",), False), (("noord",), True)]
    assert events[1].valid_until is not None
    assert events[1].valid_until.isoformat() == "2026-06-30T22:00:00+00:00"
    refused = await api.patch(url, json={"reference": "too late"}, headers=OPERATOR)
    assert refused.status_code == 409
    assert "revoked" in refused.json()["detail"]


async def test_day_permit_validity_is_computed_from_its_day(api: httpx.AsyncClient) -> None:
    body = {"plate": a_plate(), "kind": "day-permit", "day": "2026-03-28", "reference": "D", "issuer": "G"}
    response = await api.post("/v1/exemptions", json=body, headers=OPERATOR)
    assert response.status_code == 201, response.text
    permit = response.json()
    assert permit["valid_from"] == "2026-03-27T23:00:00Z"  # 00:00 CET
    assert permit["valid_until"] == "2026-03-29T04:00:00Z"  # 06:00 CEST, after the clocks went forward
    assert permit["municipality"] == "itest"


async def test_check_honours_zones_and_daily_times(api: httpx.AsyncClient) -> None:
    plate = a_plate()
    body = a_permit(plate, zones=["west"], daily_from="22:00", daily_until="02:00")
    assert (await api.post("/v1/exemptions", json=body, headers=OPERATOR)).status_code == 201

    async def exempt(at: str, **extra: str) -> bool:
        body = {"plate": plate.lower(), "regime": "milieuzone-centrum", "at": at, **extra}
        response = await api.post("/v1/check", json=body, headers=REVIEWER)
        assert response.status_code == 200, response.text
        result: bool = response.json()["exempt"]
        return result

    assert not await exempt("2026-03-02T01:30:00+01:00"), "a zone-limited permit needs the zone"
    assert await exempt("2026-03-02T01:30:00+01:00", zone="west")
    assert not await exempt("2026-03-02T01:30:00+01:00", zone="oost")
    assert not await exempt("2026-03-02T12:00:00+01:00", zone="west")


async def test_search_filters_in_the_database_as_the_domain_does(api: httpx.AsyncClient) -> None:
    plate = a_plate()
    for body in (
        a_permit(plate, reference="always"),
        a_permit(plate, reference="nights", daily_from="22:00", daily_until="02:00"),
        a_permit(plate, reference="mornings", daily_from="06:00", daily_until="11:00", regimes=[]),
        a_permit(plate, reference="other-regime", regimes=["ze-centrum"]),
        a_permit(plate, reference="ended", valid_until="2026-02-01T00:00:00+01:00"),
    ):
        assert (await api.post("/v1/exemptions", json=body, headers=OPERATOR)).status_code == 201

    async def references(**params: Any) -> set[str]:
        response = await api.get("/v1/exemptions", params={"plate": plate, **params}, headers=SUPERVISOR)
        assert response.status_code == 200, response.text
        return {e["reference"] for e in response.json()}

    assert len(await references()) == 5
    assert await references(active_at="2026-03-02T23:30:00+01:00") == {"always", "nights", "other-regime"}
    assert await references(active_at="2026-03-02T00:30:00+01:00", regime="milieuzone-centrum") == {"always", "nights"}
    assert await references(active_at="2026-07-02T09:00:00+02:00") == {"always", "mornings", "other-regime"}
    assert await references(active_at="2026-01-15T10:00:00+01:00", kind="resident", regime="ze-centrum") == {
        "other-regime",
        "mornings",
    }
    assert await references(active_at="2026-01-15T12:00:00+01:00", regime="milieuzone-centrum") == {"always", "ended"}
    assert len(await references(limit=2)) == 2


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status", "detail"),
    [
        ("POST", "/v1/exemptions", {"json": a_permit("AB-12-C!")}, 422, "only letters A-Z and digits"),
        ("POST", "/v1/exemptions", {"json": a_permit("AB12CD", kind="bribe")}, 422, "Input should be 'resident'"),
        ("POST", "/v1/exemptions", {"json": a_permit("AB12CD", daily_from="22:00")}, 422, "go together"),
        ("POST", "/v1/exemptions", {"json": a_permit("AB12CD", valid_from=None)}, 422, "valid_from is required"),
        (
            "POST",
            "/v1/exemptions",
            {"json": a_permit("AB12CD", valid_until="2025-01-01T00:00:00Z")},
            422,
            "must be after valid_from",
        ),
        (
            "POST",
            "/v1/exemptions",
            {"json": a_permit("AB12CD", kind="day-permit", day="2026-05-01")},
            422,
            "takes only day",
        ),
        (
            "POST",
            "/v1/exemptions",
            {"json": a_permit("AB12CD", daily_from="22:00+01:00", daily_until="02:00")},
            422,
            "without an offset",
        ),
        ("GET", "/v1/exemptions/no-such-id", {}, 404, "no exemption 'no-such-id'"),
        ("PATCH", "/v1/exemptions/no-such-id", {"json": {"reference": "x"}}, 404, "no exemption"),
        ("PATCH", "/v1/exemptions/no-such-id", {"json": {"plate": "AB12CD"}}, 422, "plate and kind cannot change"),
        ("PATCH", "/v1/exemptions/no-such-id", {"json": {}}, 422, "nothing to change"),
        ("PATCH", "/v1/exemptions/no-such-id", {"json": {"regimes": None}}, 422, "regimes cannot be null"),
        ("POST", "/v1/exemptions/unknown/revoke", {}, 404, "no exemption"),
        ("GET", "/v1/exemptions", {"params": {"kind": "bribe"}}, 422, "Input should be"),
        ("GET", "/v1/exemptions", {"params": {"limit": 0}}, 422, "greater than or equal to 1"),
        ("POST", "/v1/check", {"json": {"plate": "A B_", "regime": "x", "at": "2026-01-01T00:00:00Z"}}, 422, "only"),
        (
            "POST",
            "/v1/check",
            {"json": {"plate": "AB12CD", "regime": "x", "at": "2026-01-01T00:00:00"}},
            422,
            "timezone",
        ),
        ("GET", "/v1/exemptions/unknown/audit", {}, 404, "no exemption"),
    ],
)
async def test_bad_input_is_a_4xx_with_a_reason(
    api: httpx.AsyncClient, method: str, path: str, kwargs: dict[str, Any], status: int, detail: str
) -> None:
    response = await api.request(method, path, headers=SUPERVISOR if "audit" in path else {**OPERATOR}, **kwargs)
    assert response.status_code == status, response.text
    assert detail in response.text


async def test_roles(api: httpx.AsyncClient) -> None:
    created = (await api.post("/v1/exemptions", json=a_permit(a_plate()), headers=OPERATOR)).json()
    audit = f"/v1/exemptions/{created['exemption_id']}/audit"
    assert (await api.get(audit, headers=OPERATOR)).status_code == 403  # operators issue (transition) but do not audit
    assert (await api.post("/v1/exemptions", json=a_permit(a_plate()), headers=REVIEWER)).status_code == 403
    assert (await api.post("/v1/exemptions", json=a_permit(a_plate()), headers=SUPERVISOR)).status_code == 403
    assert (await api.get("/v1/exemptions", headers=REVIEWER)).status_code == 403
    assert (await api.get("/v1/exemptions")).status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "detail"),
    [
        ("POST", "/v1/exemptions", {"json": a_permit("AB12CD", reference="a\u0000b")}, "control characters"),
        ("POST", "/v1/exemptions", {"json": a_permit("AB12CD", regimes=["a\u0000"])}, "not a regime or zone id"),
        ("POST", "/v1/exemptions", {"json": a_permit("AB12CD", valid_until="9999-12-31T23:00:00-05:00")}, "1970-2199"),
        ("POST", "/v1/exemptions", {"json": {**a_permit("AB12CD", kind="day-permit"), "day": "9999-12-31"}}, "years"),
        ("GET", "/v1/exemptions/a%00b", {}, "pattern"),
        ("GET", "/v1/exemptions", {"params": {"regime": "a\u0000"}}, "not a regime"),
        (
            "POST",
            "/v1/check",
            {"json": {"plate": "AB12CD", "regime": "x", "at": "0001-01-01T00:00:00+05:00"}},
            "years",
        ),
    ],
)
async def test_input_the_database_or_time_zones_cannot_take_is_refused_early(
    api: httpx.AsyncClient, method: str, path: str, kwargs: dict[str, Any], detail: str
) -> None:
    response = await api.request(method, path, headers=OPERATOR, **kwargs)
    assert response.status_code == 422, response.text
    assert detail in response.text


async def test_nothing_is_stored_when_the_publish_fails(settings: ExemptionsSettings, run_app: Any) -> None:
    class BrokenPublisher:
        async def publish(self, topic: str, key: str, event: BaseModel) -> None:
            raise RetriableError(f"could not publish to {topic}: KafkaTimeoutError")

    app = create_app(settings)
    plate = a_plate()
    async with run_app(app):
        resources = app.state.resources
        working = resources.component(ExemptionsComponents)
        broken = replace(working, publisher=BrokenPublisher())
        resources.components = broken
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://exemptions") as client:
            refused = await client.post("/v1/exemptions", json=a_permit(plate), headers=OPERATOR)
            assert refused.status_code == 503
            assert refused.headers["Retry-After"] == "1"
            listed = await client.get("/v1/exemptions", params={"plate": plate}, headers=OPERATOR)
            assert listed.json() == [], "the transaction rolled back"

            resources.components = working
            created = (await client.post("/v1/exemptions", json=a_permit(plate), headers=OPERATOR)).json()
            resources.components = broken
            url = f"/v1/exemptions/{created['exemption_id']}"
            assert (await client.post(f"{url}/revoke", headers=OPERATOR)).status_code == 503
            assert (await client.get(url, headers=OPERATOR)).json()["revoked"] is False
