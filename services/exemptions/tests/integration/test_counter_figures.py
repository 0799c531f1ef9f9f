"""The counter's figures against the real PostgreSQL (and Keycloak's applicants' realm): the prices as
exemptions charges them, public; the applications counted per day and kind for planners, with a purpose
that is logged; and the coded refusals the console translates."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from anpr_exemptions.domain.local_time import LOCAL

from .conftest import OPERATOR, SUPERVISOR
from .counter import a_dutch_plate, as_applicant, counter_api, counter_settings, register

TODAY = datetime.now(UTC).astimezone(LOCAL).date()


def application(kind: str, plate: str, **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "plate": plate, "email": "figures-test@anpr.invalid", **extra}


async def test_the_fees_are_exemptions_own_and_public(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    fees = {"day-permit": 1250, "resident": 4000, "business": 9000, "disabled": 0, "works": 6000}
    settings = counter_settings(isolated, counter={"fees_cents": fees})
    async with counter_api(settings, run_app) as api:
        answer = await api.get("/v1/counter/fees")
        plate = await register(settings, a_dutch_plate())
        made = await api.post(
            "/v1/applications",
            json=application("day-permit", plate, day=(TODAY + timedelta(days=1)).isoformat()),
            headers=as_applicant("BUSINESS"),
        )

    assert answer.status_code == 200, answer.text
    assert answer.json() == {"currency": "EUR", "fees_cents": fees}
    assert made.json()["fee_cents"] == 1250, "the price shown is the price charged"


async def test_applications_are_counted_per_day_and_kind_and_the_read_is_logged(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings = counter_settings(isolated)
    since = datetime.now(UTC)
    van, other_van, car = [await register(settings, a_dutch_plate()) for _ in range(3)]
    async with counter_api(settings, run_app) as api:
        for plate, days in ((van, 1), (van, 2), (other_van, 1)):
            body = application("day-permit", plate, day=(TODAY + timedelta(days=days)).isoformat())
            assert (await api.post("/v1/applications", json=body, headers=as_applicant("BUSINESS"))).status_code == 201
        body = application("disabled", car, details="Gehandicaptenparkeerkaart")
        assert (await api.post("/v1/applications", json=body, headers=as_applicant("RESIDENT"))).status_code == 201
        window = {"since": since.isoformat(), "until": (datetime.now(UTC) + timedelta(seconds=1)).isoformat()}
        counted = await api.get("/v1/counter/application-counts", params=window, headers=SUPERVISOR)
        by_operator = await api.get("/v1/counter/application-counts", params=window, headers=OPERATOR)
        no_purpose = await api.get(
            "/v1/counter/application-counts", params=window, headers={"Authorization": OPERATOR["Authorization"]}
        )
        by_applicant = await api.get("/v1/counter/application-counts", params=window, headers=as_applicant())
        logged = await api.post("/v1/read-log/search", json={"since": since.isoformat()}, headers=SUPERVISOR)

    assert counted.status_code == 200, counted.text
    figures = counted.json()
    assert (figures["total"], figures["per_kind"]) == (4, {"day-permit": 3, "disabled": 1})
    assert {(d["kind"], d["submitted"]) for d in figures["days"]} <= {("day-permit", 3), ("disabled", 1)} | {
        ("day-permit", n)
        for n in (1, 2)  # a run across local midnight splits the day
    }
    assert figures["days"][0]["day"] in (TODAY.isoformat(), (TODAY + timedelta(days=1)).isoformat())
    for plate in (van, other_van, car):
        assert plate not in counted.text, "counts only"
    assert by_operator.status_code == 200
    assert no_purpose.status_code == 400, "staff say why, as for every read of the counter's data"
    assert by_applicant.status_code == 403
    reads = [r for r in logged.json() if r["action"] == "application_counts"]
    assert sorted(r["purpose"] for r in reads) == sorted([SUPERVISOR["X-Purpose"], OPERATOR["X-Purpose"]])


async def test_a_period_without_applications_counts_zero(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings = counter_settings(isolated)
    async with counter_api(settings, run_app) as api:
        long_ago = {"since": "2020-01-01T00:00:00+00:00", "until": "2020-02-01T00:00:00+00:00"}
        counted = await api.get("/v1/counter/application-counts", params=long_ago, headers=OPERATOR)
        too_long = await api.get(
            "/v1/counter/application-counts",
            params={"since": "2020-01-01T00:00:00+00:00", "until": "2021-06-01T00:00:00+00:00"},
            headers=OPERATOR,
        )

    assert (counted.status_code, counted.json()["total"], counted.json()["days"]) == (200, 0, [])
    assert too_long.status_code == 422
    assert too_long.json()["detail"].startswith("until: at most 366 days")


async def test_an_open_application_twice_is_coded(isolated: Callable[..., Any], run_app: Callable[..., Any]) -> None:
    settings = counter_settings(isolated)
    car = await register(settings, a_dutch_plate(), category="M1", fuels=("Benzine",))
    async with counter_api(settings, run_app) as api:
        body = application("resident", car, details="Ik woon in de zone")
        assert (await api.post("/v1/applications", json=body, headers=as_applicant())).status_code == 201
        again = await api.post("/v1/applications", json=body, headers=as_applicant())

    assert again.status_code == 409
    assert (again.json()["code"], again.json()["params"]) == ("application_open", {"kind": "resident", "plate": car})
    assert again.json()["detail"].startswith("plate: you already have an open resident application")


async def test_the_pilot_forecast_projects_from_the_counted_applications(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    """What `anpr forecast` and the console's pilot screen do with the answer: the real count against the
    candidates notices reports over the same window becomes the request rate the forecast projects from."""
    from anpr_pilot.exemption_requests import observed_applications, request_rate

    settings = counter_settings(isolated)
    since = datetime.now(UTC)
    vans = [await register(settings, a_dutch_plate()) for _ in range(3)]
    async with counter_api(settings, run_app) as api:
        for van in vans:
            body = application("day-permit", van, day=(TODAY + timedelta(days=1)).isoformat())
            assert (await api.post("/v1/applications", json=body, headers=as_applicant("BUSINESS"))).status_code == 201
        until = datetime.now(UTC) + timedelta(seconds=1)
        window = {"since": since.isoformat(), "until": until.isoformat()}
        counts = (await api.get("/v1/counter/application-counts", params=window, headers=OPERATOR)).json()
    notices_stats = {"per_hour": [{"outcomes": {"candidate": 7, "not_enforceable": 2, "no_hit": 400}}]}

    chosen = request_rate(observed_applications(counts, notices_stats, since, until), configured=0.5)

    assert chosen.source == "applications"
    assert chosen.rate == 3 / (3 + 9)
    assert chosen.to_json()["per_kind"] == {"day-permit": 3}
