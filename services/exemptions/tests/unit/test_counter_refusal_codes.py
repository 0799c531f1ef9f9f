"""The counter's refusals carry stable codes (and the values their texts need) that the console translates;
the API answers them next to the unchanged detail. Over the same fakes as the counter's use cases."""

from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
import pytest
from fastapi import APIRouter, FastAPI

from anpr_exemptions import RefusalCode
from anpr_exemptions.domain.applications import ApplicationKind, Status
from anpr_exemptions.domain.counter import CounterPolicy
from anpr_exemptions.domain.errors import Coded, InvalidExemption, QuotaExceeded
from anpr_exemptions.entrypoints.refusals import coded_error
from anpr_exemptions.handlers import applications as use
from anpr_exemptions.handlers.counter_ports import CounterPorts
from anpr_runtime import AnprError
from anpr_runtime.http import create_service_app

from .test_counter_handlers import NOW, RESIDENT, TOMORROW, counter, day_permit, disabled, registry

__all__ = ["counter", "registry"]  # the fixtures of the counter's use-case tests, shared


async def refused(call: Awaitable[object]) -> Coded:
    with pytest.raises(Coded) as caught:
        await call
    return caught.value


async def test_the_open_application_of_the_same_kind_is_coded(counter: CounterPorts) -> None:
    await use.apply(disabled(), RESIDENT, NOW, counter)

    error = await refused(use.apply(disabled(), RESIDENT, NOW, counter))

    assert error.code is RefusalCode.APPLICATION_OPEN
    assert error.params == {"kind": "disabled", "plate": "KL123M"}
    assert str(error).startswith("plate: you already have an open disabled application")


async def test_the_day_codes_carry_the_values_of_their_text(counter: CounterPorts) -> None:
    past = await refused(use.apply(day_permit(NOW.date() - timedelta(days=1)), RESIDENT, NOW, counter))
    far = await refused(use.apply(day_permit(NOW.date() + timedelta(days=91)), RESIDENT, NOW, counter))
    missing = await refused(
        use.apply(
            use.NewApplication(ApplicationKind.DAY_PERMIT, "VX-123-B", "NL", "x@anpr.invalid"), RESIDENT, NOW, counter
        )
    )
    wrong_kind = use.NewApplication(ApplicationKind.DISABLED, "KL-123-M", "NL", "x@anpr.invalid", TOMORROW)
    not_for_kind = await refused(use.apply(wrong_kind, RESIDENT, NOW, counter))

    assert (past.code, past.params) == (RefusalCode.DAY_IN_PAST, {"day": "2026-05-03"})
    assert (far.code, far.params) == (RefusalCode.DAY_BEYOND_HORIZON, {"days": 90, "until": "2026-08-02"})
    assert missing.code is RefusalCode.DAY_MISSING
    assert (not_for_kind.code, not_for_kind.params) == (RefusalCode.DAY_NOT_FOR_KIND, {"kind": "disabled"})


async def test_the_vehicle_codes(counter: CounterPorts) -> None:
    unknown = await refused(use.apply(day_permit(plate="ZZ-999-Z"), RESIDENT, NOW, counter))
    car = await refused(use.apply(day_permit(plate="KL-123-M"), RESIDENT, NOW, counter))
    foreign = await refused(
        use.apply(
            use.NewApplication(ApplicationKind.DAY_PERMIT, "B-AB-123", "DE", "x@anpr.invalid", TOMORROW),
            RESIDENT,
            NOW,
            counter,
        )
    )

    assert (unknown.code, unknown.params) == (RefusalCode.PLATE_NOT_REGISTERED, {"plate": "ZZ999Z"})
    assert (car.code, car.params) == (RefusalCode.PLATE_NEEDS_NO_DAY_PERMIT, {"plate": "KL123M"})
    assert foreign.code is RefusalCode.COUNTRY_NOT_NL


async def test_the_document_and_step_codes(counter: CounterPorts) -> None:
    made = await use.apply(disabled(), RESIDENT, NOW, counter)
    not_a_pdf = await refused(use.attach(made.application_id, RESIDENT.subject, b"GIF89a", NOW, counter))
    small = CounterPorts(**{**counter.__dict__, "counter": CounterPolicy(max_document_bytes=4)})
    too_big = await refused(use.attach(made.application_id, RESIDENT.subject, b"%PDF-1.4", NOW, small))
    await use.advance(made.application_id, Status.WITHDRAWN, RESIDENT, NOW, counter, applicant=RESIDENT.subject)
    closed = await refused(use.attach(made.application_id, RESIDENT.subject, b"%PDF-1.4", NOW, counter))
    again = await refused(
        use.advance(made.application_id, Status.WITHDRAWN, RESIDENT, NOW, counter, applicant=RESIDENT.subject)
    )

    assert not_a_pdf.code is RefusalCode.DOCUMENT_TYPE
    assert (too_big.code, too_big.params) == (RefusalCode.DOCUMENT_TOO_LARGE, {"limit": 4})
    assert (closed.code, closed.params["status"]) == (RefusalCode.DOCUMENT_CLOSED, "withdrawn")
    assert (again.code, again.params["to"]) == (RefusalCode.STEP_NOT_ALLOWED, "withdrawn")


async def test_the_hourly_limit_is_coded(counter: CounterPorts) -> None:
    limited = CounterPorts(**{**counter.__dict__, "counter": CounterPolicy(applications_per_hour=1)})
    await use.apply(disabled(), RESIDENT, NOW, limited)

    error = await refused(use.apply(day_permit(), RESIDENT, NOW, limited))

    assert (error.code, error.params) == (RefusalCode.TOO_MANY_APPLICATIONS, {"limit": 1})


def an_app(error: AnprError) -> FastAPI:
    """The platform's own app factory with the exemptions handler, a route that raises `error`."""
    router = APIRouter()

    @router.get("/boom")
    async def boom() -> None:
        raise error

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.readiness = {}
        yield

    app = create_service_app("test", lifespan, [router])
    app.add_exception_handler(Coded, coded_error)
    return app


@pytest.mark.parametrize(
    ("error", "status", "body"),
    [
        (
            QuotaExceeded("day permit refused: 12 of the 12", plate="VX123B", used=12, limit=12, year=2026),
            409,
            {
                "detail": "day permit refused: 12 of the 12",
                "code": "quota_used_up",
                "params": {"plate": "VX123B", "used": 12, "limit": 12, "year": 2026},
            },
        ),
        (
            InvalidExemption("day: at most 90 days ahead", RefusalCode.DAY_BEYOND_HORIZON, days=90, until="2026-08-02"),
            422,
            {
                "detail": "day: at most 90 days ahead",
                "code": "day_beyond_horizon",
                "params": {"days": 90, "until": "2026-08-02"},
            },
        ),
        (
            InvalidExemption("cannot change plate"),
            422,
            {"detail": "cannot change plate", "code": "invalid", "params": {}},
        ),
    ],
)
async def test_the_api_answers_the_code_next_to_the_detail(
    error: AnprError, status: int, body: dict[str, object]
) -> None:
    transport = httpx.ASGITransport(app=an_app(error))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        answer = await client.get("/boom")

    assert (answer.status_code, answer.json()) == (status, body)


async def test_a_coded_retriable_refusal_keeps_its_retry_after() -> None:
    transport = httpx.ASGITransport(app=an_app(use.TooManyApplications("at most 1 an hour", limit=1)))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        answer = await client.get("/boom")

    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "600"
    assert answer.json()["code"] == "too_many_applications"


def test_every_coded_class_is_a_platform_error() -> None:
    """The handler answers with the AnprError's status: a Coded class without that base would be a 500."""
    for cls in (InvalidExemption, QuotaExceeded, use.TooManyApplications):
        assert issubclass(cls, AnprError)
