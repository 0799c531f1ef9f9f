"""ZE day permits at the permit counter: granted at once through the desk's own grant (audited, published
on anpr.exemptions.v1), the thirteenth refused even when two arrive at once, and every bad input refused
with the field named and nothing stored."""

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from anpr_contracts import APPLICATIONS, ApplicationChanged, parse_event
from anpr_exemptions.adapters.tables import exemptions
from anpr_exemptions.domain.local_time import LOCAL
from anpr_runtime.kafka import new_consumer

from .conftest import OPERATOR, published
from .counter import (
    a_dutch_plate,
    as_applicant,
    counter_api,
    counter_settings,
    database,
    register,
    stored_applications,
)

TODAY = datetime.now(UTC).astimezone(LOCAL).date()


def day_permit(plate: str, day: date, **extra: Any) -> dict[str, Any]:
    return {"kind": "day-permit", "plate": plate, "day": day.isoformat(), "email": "loket-test@anpr.invalid", **extra}


def days_ahead(count: int) -> list[date]:
    return [TODAY + timedelta(days=n) for n in range(1, count + 1)]


async def test_a_business_buys_a_day_permit_and_it_is_issued_at_once(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings = counter_settings(isolated)
    plate = await register(settings, a_dutch_plate())
    day = TODAY + timedelta(days=3)
    async with counter_api(settings, run_app) as api:
        answer = await api.post("/v1/applications", json=day_permit(plate, day), headers=as_applicant("BUSINESS"))
        assert answer.status_code == 201, answer.text
        made = answer.json()
        own = await api.get(f"/v1/applications/{made['application_id']}", headers=as_applicant("BUSINESS"))
        permits = await api.get("/v1/applications/permits", headers=as_applicant("BUSINESS"))

    assert made["status"] == "granted", made
    assert made["exemption_id"]
    assert made["fee_cents"] == 2500
    assert made["payment_reference"].startswith("ANPR")
    assert not made["paid"]
    assert [(s["from_status"], s["to_status"]) for s in made["steps"]] == [
        (None, "submitted"),
        ("submitted", "granted"),
    ]
    assert made["applicant"] is None, "an applicant's view never carries identifiers"
    assert own.json()["number"] == made["number"]
    [permit] = [p for p in permits.json() if p["exemption_id"] == made["exemption_id"]]
    assert (permit["kind"], permit["regimes"], permit["zones"]) == ("day-permit", ["ze-zone-centrum"], ["centrum"])
    assert permit["reference"] == made["number"]
    # Valid for the day until 06:00 the next morning (Amsterdam).
    assert datetime.fromisoformat(permit["valid_from"]).astimezone(LOCAL).date() == day
    until = datetime.fromisoformat(permit["valid_until"]).astimezone(LOCAL)
    assert (until.date(), until.hour) == (day + timedelta(days=1), 6)
    [(key, change)] = await published(settings, 1)
    assert (key, change.kind, change.zones) == (made["exemption_id"], "day-permit", ("centrum",))
    events = await application_events(settings, 2)
    assert [(e.previous_status, e.status) for e in events] == [(None, "submitted"), ("submitted", "granted")]
    assert events[1].exemption_id == made["exemption_id"]
    assert plate not in "".join(e.model_dump_json() for e in events), "ids and status only"


async def test_two_applications_for_the_thirteenth_day_at_once_exactly_one_wins(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings = counter_settings(isolated)
    plate = await register(settings, a_dutch_plate())
    eleven, (first, second) = days_ahead(13)[:11], days_ahead(13)[11:]
    async with counter_api(settings, run_app) as api:
        for day in eleven:  # issued at the desk: the quota counts every day permit of the vehicle
            desk = {"plate": plate, "kind": "day-permit", "day": day.isoformat(), "reference": "DESK", "issuer": "G"}
            assert (await api.post("/v1/exemptions", json=desk, headers=OPERATOR)).status_code == 201
        answers = await asyncio.gather(
            api.post("/v1/applications", json=day_permit(plate, first), headers=as_applicant("BUSINESS")),
            api.post("/v1/applications", json=day_permit(plate, second), headers=as_applicant("RESIDENT")),
        )

    assert sorted(a.status_code for a in answers) == [201, 409], [a.text for a in answers]
    [refused] = [a for a in answers if a.status_code == 409]
    assert "12 of the 12 day permits" in refused.json()["detail"]
    assert refused.json()["code"] == "quota_used_up"
    assert refused.json()["params"] == {"plate": plate, "used": 12, "limit": 12, "year": first.year}
    assert await stored_applications(settings, plate) == 1, "the refused one left nothing behind"
    async with database(settings) as connection:
        query = select(func.count()).where(
            exemptions.c.plate == plate, exemptions.c.municipality == settings.municipality
        )
        assert (await connection.execute(query)).scalar_one() == 12


async def test_the_same_day_twice_is_a_duplicate(isolated: Callable[..., Any], run_app: Callable[..., Any]) -> None:
    settings = counter_settings(isolated)
    plate = await register(settings, a_dutch_plate())
    async with counter_api(settings, run_app) as api:
        body = day_permit(plate, TODAY + timedelta(days=1))
        assert (await api.post("/v1/applications", json=body, headers=as_applicant())).status_code == 201
        again = await api.post("/v1/applications", json=body, headers=as_applicant())

    assert again.status_code == 409
    assert "already has a day permit" in again.json()["detail"]
    assert (again.json()["code"], again.json()["params"]["day"]) == ("day_taken", body["day"])
    assert await stored_applications(settings, plate) == 1


REGISTERED = "registered"


@pytest.mark.parametrize(
    ("change", "vehicle", "field", "code"),
    [
        ({"plate": "AB-12"}, None, "plate", "plate_invalid"),
        ({"plate": "<script>"}, None, "plate", "plate_invalid"),
        ({"plate": "ABCDEF"}, None, "plate", "plate_invalid"),
        ({"country": "DE"}, REGISTERED, "country", "country_not_nl"),
        ({}, "unregistered", "plate: ", "plate_not_registered"),
        ({"day": (TODAY - timedelta(days=1)).isoformat()}, REGISTERED, "day: ", "day_in_past"),
        ({"day": (TODAY + timedelta(days=91)).isoformat()}, REGISTERED, "day: at most 90 days", "day_beyond_horizon"),
        ({"day": None}, REGISTERED, "day: a day permit needs the day", "day_missing"),
        ({"details": "<script>alert(1)</script>"}, REGISTERED, "details: plain text only", "text_not_plain"),
        ({"details": "zie javascript:void(0)"}, REGISTERED, "details: plain text only", "text_not_plain"),
        ({"email": "not-an-address"}, REGISTERED, "email: ", "email_invalid"),
        ({}, "car", "vans and trucks only", "plate_needs_no_day_permit"),
        ({}, "electric", "zero emission", "plate_needs_no_day_permit"),
        ({}, "old", "age_40_years", "plate_exempt_automatically"),
        ({}, "wheelchair", "wheelchair", "plate_exempt_automatically"),
    ],
)
async def test_bad_input_names_the_field_and_stores_nothing(
    isolated: Callable[..., Any],
    run_app: Callable[..., Any],
    change: dict[str, Any],
    vehicle: str | None,
    field: str,
    code: str,
) -> None:
    settings = counter_settings(isolated)
    plate = a_dutch_plate()
    facts: dict[str, dict[str, Any]] = {
        REGISTERED: {},
        "car": {"category": "M1", "fuels": ("Benzine",)},
        "electric": {"fuels": ("Elektriciteit",)},
        "old": {"first_admission": date(1980, 1, 1)},
        "wheelchair": {"special_codes": ("146",)},
    }
    if vehicle in facts:
        await register(settings, plate, **facts[vehicle])
    async with counter_api(settings, run_app) as api:
        body = {**day_permit(plate, TODAY + timedelta(days=2)), **change}
        answer = await api.post("/v1/applications", json=body, headers=as_applicant())

    assert answer.status_code == 422, answer.text
    assert field in answer.json()["detail"], answer.json()
    assert answer.json()["code"] == code, answer.json()  # what the counter's pages translate
    assert await stored_applications(settings, plate) == 0


async def test_the_vehicle_check_shows_the_registry_and_the_day_permits_left(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings = counter_settings(isolated)
    van = await register(settings, a_dutch_plate())
    old = await register(settings, a_dutch_plate(), category="M1", first_admission=date(1981, 5, 1), fuels=("Benzine",))
    async with counter_api(settings, run_app) as api:
        await api.post("/v1/applications", json=day_permit(van, TODAY + timedelta(days=1)), headers=as_applicant())
        checked = await api.post("/v1/applications/vehicle-check", json={"plate": van}, headers=as_applicant())
        classic = await api.post("/v1/applications/vehicle-check", json={"plate": old}, headers=as_applicant())
        unknown = await api.post(
            "/v1/applications/vehicle-check", json={"plate": a_dutch_plate()}, headers=as_applicant()
        )

    assert checked.json() | {"notes": []} == {
        "plate": van,
        "registered": True,
        "kind": "Bedrijfsauto",
        "category": "N1",
        "fuels": ["Diesel"],
        "emission_class": 6,
        "automatic": [],
        "day_permit_needed": True,
        "notes": [],
        "day_permits_left": 11,
    }
    assert classic.json()["automatic"] == ["age_40_years"]
    assert not classic.json()["day_permit_needed"]
    assert unknown.json()["registered"] is False


async def test_new_applications_are_limited_per_applicant(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    probe = counter_settings(isolated)
    plates = [await register(probe, a_dutch_plate()) for _ in range(3)]
    async with counter_api(probe, run_app) as api:  # how many this applicant made in the last hour
        mine = await api.get("/v1/applications", params={"limit": 500}, headers=as_applicant("RESIDENT_2"))
    hour_ago = datetime.now(UTC) - timedelta(minutes=59)
    recent = sum(datetime.fromisoformat(a["submitted_at"]) > hour_ago for a in mine.json())
    settings = counter_settings(isolated, counter={"applications_per_hour": recent + 2})
    async with counter_api(settings, run_app) as api:
        answers = [
            await api.post(
                "/v1/applications", json=day_permit(p, TODAY + timedelta(days=1)), headers=as_applicant("RESIDENT_2")
            )
            for p in plates
        ]

    assert [a.status_code for a in answers] == [201, 201, 429], [a.text for a in answers]
    assert "new applications an hour" in answers[2].json()["detail"]
    assert (answers[2].json()["code"], answers[2].json()["params"]) == ("too_many_applications", {"limit": recent + 2})
    assert answers[2].headers["Retry-After"]


async def application_events(settings: Any, count: int, timeout: float = 20) -> list[ApplicationChanged]:
    consumer = new_consumer(
        settings, settings.topic(APPLICATIONS.name), group_id=f"reader-{datetime.now().timestamp()}"
    )
    await consumer.start()
    found: list[ApplicationChanged] = []
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(found) < count and asyncio.get_running_loop().time() < deadline:
            for records in (await consumer.getmany(timeout_ms=500)).values():
                for record in records:
                    event = parse_event(record.value or b"")
                    assert isinstance(event, ApplicationChanged)
                    found.append(event)
    finally:
        await consumer.stop()
    return found
