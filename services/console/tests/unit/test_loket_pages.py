"""The permit counter's pages (/loket) over the whole console app, exemptions answered in memory: the
applicant's session is its own kind, every form needs its CSRF token, a refusal of the API lands next to
its field with what was typed kept, another applicant's application is a 404, posts are limited per address."""

import json
from collections.abc import Callable

import httpx

from anpr_console import ConsoleSettings, create_app
from anpr_console.adapters.services_api import ServicesApi
from anpr_console.bootstrap import ConsoleComponents
from anpr_console.domain.loket import RateLimit, errors_of, loket_path
from anpr_console.domain.session import Session
from anpr_console.entrypoints.deps import SESSION_COOKIE
from anpr_console.entrypoints.loket import LOKET_COOKIE

from .fakes import FakeAccessTokens, FakeProvider, FakeSessionStore, identity, signed_in_session

CSRF = "loket-csrf"
APPLICATION = "3f1c2a52-7e0b-4d0e-9a57-0b8f0f1f6a11"
OTHERS = "9d7a4a10-1111-4c1c-8d1a-222222222222"
APPLIED = {
    "application_id": APPLICATION,
    "number": "A-2026-000001",
    "kind": "day-permit",
    "plate": "VX123B",
    "status": "granted",
    "submitted_at": "2026-12-06T09:00:00+00:00",
    "day": "2026-12-07",
    "details": "",
    "reason": "",
    "fee_cents": 2500,
    "payment_reference": "ANPR000001",
    "paid": False,
    "decided_at": "2026-12-06T09:00:00+00:00",
    "exemption_id": "e1",
    "steps": [],
    "documents": [],
}


FEES = {"day-permit": 2500, "resident": 5000, "business": 10000, "disabled": 0, "works": 7500}


def applicant(session_id: str = "loket-1") -> Session:
    return signed_in_session("Jan Jansen", ["applicant"], CSRF, session_id=session_id, subject="bsn:999990019")


def counter(
    upstream: Callable[[httpx.Request], httpx.Response],
    cookies: dict[str, str],
    *,
    loket_sessions: list[Session] = (),  # type: ignore[assignment]
    staff_sessions: list[Session] = (),  # type: ignore[assignment]
    per_minute: int = 100,
    fees: dict[str, int] | None = None,
    fees_answered: bool = True,
) -> httpx.AsyncClient:
    """exemptions' prices (GET /v1/counter/fees) answered here from `fees` (FEES by default) unless not
    `fees_answered`; every other call by `upstream`."""
    prices = FEES if fees is None else fees

    def exemptions(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/counter/fees" and fees_answered:
            return httpx.Response(200, json={"currency": "EUR", "fees_cents": prices})
        return upstream(request)

    settings = ConsoleSettings(
        oidc_issuer="https://idp.example/realms/anpr", public_oidc_issuer="https://idp.example/realms/anpr-public"
    )
    app = create_app(settings)
    app.state.loket_limit = RateLimit(per_minute)
    staff_store, loket_store = FakeSessionStore(), FakeSessionStore()
    for session in staff_sessions:
        staff_store.sessions[session.session_id] = session
    for session in loket_sessions:
        loket_store.sessions[session.session_id] = session
    http = httpx.AsyncClient(transport=httpx.MockTransport(exemptions))
    base = {name: f"http://{name}.test" for name in ("ingest", "rules", "exemptions", "notices")}
    loket = identity(loket_store, FakeProvider(), FakeAccessTokens(frozenset({"applicant"})))
    staff = identity(staff_store, tokens=FakeAccessTokens(frozenset({"permit_desk"})))
    app.state.console = ConsoleComponents(settings, staff, ServicesApi(http, base), loket, None)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://console.test", cookies=cookies)


def recording(
    answer: Callable[[httpx.Request], httpx.Response],
) -> tuple[list[httpx.Request], Callable[..., httpx.Response]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer(request)

    return seen, handler


async def test_the_start_page_is_public_with_the_kinds_and_prices() -> None:
    async with counter(lambda _: httpx.Response(500), {}) as client:
        page = await client.get("/loket")
    async with counter(lambda _: httpx.Response(500), {"anpr_lang": "en"}) as client:
        english = await client.get("/loket")
    assert page.status_code == 200
    assert "Dagontheffing zero-emissiezone" in page.text
    assert "€ 25,00" in page.text
    assert 'href="/loket/login"' in page.text
    assert "<script" not in page.text
    assert "Zero-emission zone day permit" in english.text


async def test_pages_without_an_applicant_session_go_to_the_counters_sign_in() -> None:
    async with counter(lambda _: httpx.Response(500), {}) as client:
        answer = await client.get("/loket/applications")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/loket/login?next=%2Floket%2Fapplications"


async def test_a_staff_session_is_no_applicant_session_and_the_other_way_round() -> None:
    staff = signed_in_session("Renske", ["permit_desk"], "staff-csrf", session_id="staff-1")
    loket = applicant()
    # Each cookie in the other's place, and each session id under the other's cookie name.
    cookies = {LOKET_COOKIE: staff.session_id, SESSION_COOKIE: loket.session_id}
    async with counter(lambda _: httpx.Response(500), cookies, loket_sessions=[loket], staff_sessions=[staff]) as c:
        as_applicant = await c.get("/loket/applications")
        as_staff = await c.get("/permits")
    assert as_applicant.status_code == 303
    assert as_applicant.headers["location"].startswith("/loket/login")
    assert as_staff.status_code == 303
    assert as_staff.headers["location"].startswith("/login")


async def test_a_form_without_the_csrf_token_is_refused_before_any_call() -> None:
    seen, handler = recording(lambda _: httpx.Response(201, json=APPLIED))
    async with counter(handler, {LOKET_COOKIE: "loket-1"}, loket_sessions=[applicant()]) as client:
        answer = await client.post("/loket/apply/day-permit", data={"plate": "VX123B", "day": "2026-12-07"})
        wrong = await client.post("/loket/apply/day-permit", data={"plate": "VX123B", "csrf_token": "guess"})
    assert answer.status_code == 403
    assert wrong.status_code == 403
    assert seen == []


async def test_a_day_permit_is_applied_for_as_the_applicant_and_its_result_shown() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path == "/v1/applications":
            return httpx.Response(201, json=APPLIED)
        if request.url.path == "/v1/applications/vehicle-check":
            return httpx.Response(200, json={"plate": "VX123B", "day_permits_left": 11})
        return httpx.Response(200, json=APPLIED)

    seen, handler = recording(answer)
    form = {"plate": "VX123B", "day": "2026-12-07", "email": "jan@example.nl", "csrf_token": CSRF}
    async with counter(handler, {LOKET_COOKIE: "loket-1"}, loket_sessions=[applicant()]) as client:
        made = await client.post("/loket/apply/day-permit", data=form)
        page = await client.get(made.headers["location"])
    assert made.status_code == 303
    assert made.headers["location"] == f"/loket/applications/{APPLICATION}?new=1"
    sent = json.loads(seen[0].content)
    assert sent == {"kind": "day-permit", "plate": "VX123B", "email": "jan@example.nl", "day": "2026-12-07"}
    assert seen[0].headers["authorization"] == "Bearer access-1"
    assert 'id="status">Verleend<' in page.text
    assert 'id="left">11<' in page.text


async def test_a_refusal_naming_a_field_is_shown_next_to_it_with_what_was_typed() -> None:
    detail = {"detail": "day permit refused: vehicle VX123B already has 12 of the 12 day permits allowed"}
    form = {"plate": "VX123B", "day": "2026-12-07", "email": "jan@example.nl", "csrf_token": CSRF}
    async with counter(
        lambda _: httpx.Response(409, json=detail), {LOKET_COOKIE: "loket-1"}, loket_sessions=[applicant()]
    ) as c:
        page = await c.post("/loket/apply/day-permit", data=form)
    assert page.status_code == 422
    assert (
        '<p class="field-error" id="f-day-error">'
        "day permit refused: vehicle VX123B already has 12 of the 12 day permits allowed</p>" in page.text
    )
    assert 'value="VX123B"' in page.text
    assert 'value="jan@example.nl"' in page.text
    assert 'value="2026-12-07"' in page.text
    assert 'aria-invalid="true"' in page.text


async def test_a_document_that_is_no_pdf_or_jpeg_is_refused_on_the_form_and_nothing_is_applied() -> None:
    seen, handler = recording(lambda _: httpx.Response(201, json=APPLIED))
    fields = {"plate": "VX123B", "details": "rolstoel", "email": "jan@example.nl", "csrf_token": CSRF}
    files = {"document": ("proof.pdf", b"<html>not a pdf</html>", "application/pdf")}
    async with counter(handler, {LOKET_COOKIE: "loket-1"}, loket_sessions=[applicant()]) as client:
        page = await client.post("/loket/apply/disabled", data=fields, files=files)
    assert page.status_code == 422
    assert "Alleen PDF- of JPEG-bestanden." in page.text
    assert ">rolstoel</textarea>" in page.text
    assert seen == []


async def test_another_applicants_application_is_not_found() -> None:
    seen, handler = recording(lambda _: httpx.Response(404, json={"detail": f"application {OTHERS} not found"}))
    async with counter(handler, {LOKET_COOKIE: "loket-1"}, loket_sessions=[applicant()]) as client:
        page = await client.get(f"/loket/applications/{OTHERS}")
        withdraw = await client.post(f"/loket/applications/{OTHERS}/withdraw", data={"csrf_token": CSRF})
        not_an_id = await client.get("/loket/applications/..%2F..%2Fexemptions")
    assert page.status_code == 404
    assert withdraw.status_code == 404
    assert not_an_id.status_code == 404
    assert [r.url.path for r in seen] == [f"/v1/applications/{OTHERS}", f"/v1/applications/{OTHERS}/withdraw"]


async def test_posts_are_limited_per_address() -> None:
    check = {"plate": "VX123B", "registered": False, "fuels": [], "automatic": []}
    async with counter(
        lambda _: httpx.Response(200, json=check), {LOKET_COOKIE: "loket-1"}, loket_sessions=[applicant()], per_minute=2
    ) as client:
        answers = [await client.post("/loket/vehicle", data={"plate": "VX123B", "csrf_token": CSRF}) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].headers["retry-after"] == "60"


def test_the_rate_limit_forgets_after_a_minute() -> None:
    limit = RateLimit(1)
    assert limit.allow("10.0.0.1", now=0.0)
    assert not limit.allow("10.0.0.1", now=30.0)
    assert limit.allow("10.0.0.2", now=30.0)
    assert limit.allow("10.0.0.1", now=60.5)


def test_only_counter_pages_are_returned_to_after_sign_in() -> None:
    assert loket_path("/loket/applications") == "/loket/applications"
    assert loket_path("/permits") == "/loket"
    assert loket_path("//evil.example/loket") == "/loket"
    assert loket_path("/loket//evil") == "/loket"
    assert loket_path(None) == "/loket"


def test_an_api_message_lands_on_its_field() -> None:
    assert errors_of("plate: not in the registry") == {"plate": "not in the registry"}
    assert errors_of("body.day: Input should be a valid date") == {"day": "Input should be a valid date"}
    assert errors_of("too many applications") == {"": "too many applications"}
    assert errors_of("vehicle VX123B already has a day permit for 2026-12-07", "day") == {
        "day": "vehicle VX123B already has a day permit for 2026-12-07"
    }


async def test_the_day_of_a_day_permit_is_written_day_first_as_every_other_date_on_the_counter() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        mine = request.url.path == "/v1/applications"  # the applicant's own, listed with their token
        return httpx.Response(200, json=[APPLIED] if mine else APPLIED)

    async with counter(answer, {LOKET_COOKIE: "loket-1"}, loket_sessions=[applicant()]) as client:
        listed = await client.get("/loket/applications")
        shown = await client.get(f"/loket/applications/{APPLICATION}")

    for page in (listed, shown):
        assert page.status_code == 200, page.text
        assert '<time datetime="2026-12-07">07-12-2026</time>' in page.text
        assert ">2026-12-07<" not in page.text


async def test_the_history_says_when_the_fee_was_received() -> None:
    steps = [
        {"at": "2026-12-06T09:00:00+00:00", "from_status": None, "to_status": "granted", "reason": ""},
        {"at": "2026-12-06T10:00:00+00:00", "from_status": "granted", "to_status": "granted", "reason": ""}
        | {"action": "paid"},
    ]
    paid = APPLIED | {"paid": True, "steps": steps}
    async with counter(
        lambda _: httpx.Response(200, json=paid), {LOKET_COOKIE: "loket-1"}, loket_sessions=[applicant()]
    ) as client:
        shown = await client.get(f"/loket/applications/{APPLICATION}")

    history = shown.text[shown.text.index('<ol id="steps">') :]
    assert [item.split(": ", 1)[1] for item in history.split("</ol>")[0].split("</li>")[:-1]] == [
        "Verleend",
        "Betaling ontvangen",
    ]
