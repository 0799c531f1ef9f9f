"""The permit desk's application queue against an in-memory exemptions API: the role, the filters, an
application's page (applicant, registry check, documents through the console, history), grant with a
scope, refuse and ask with a reason, mark paid, double submits and someone else's step; and hostile input
(script in the reason, bad dates, foreign ids, a missing CSRF token), each stopped before exemptions."""

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from .desk_fakes import PDF, FakeApplicationsApi, an_application
from .fakes import console_client, signed_in_session

CSRF = "csrf-secret"


@pytest.fixture
def api() -> FakeApplicationsApi:
    return FakeApplicationsApi()


@pytest.fixture
async def desk(api: FakeApplicationsApi) -> AsyncIterator[httpx.AsyncClient]:
    async with console_client(api, signed_in_session("Renske de Vries", {"permit_desk"}, CSRF)) as client:
        yield client


def field_error(html: str, field_id: str) -> str:
    found = re.search(rf'id="{field_id}-error" class="field-error">([^<]*)<', html)
    return found.group(1) if found else ""


async def test_the_queue_shows_what_waits_for_the_desk_and_says_why_it_reads(
    desk: httpx.AsyncClient, api: FakeApplicationsApi
) -> None:
    waiting = api.add(an_application("A-2026-AAAA11"))
    api.add(an_application("A-2026-BBBB22", status="granted"))
    page = await desk.get("/applications")
    assert page.status_code == 200
    assert "A-2026-AAAA11" in page.text
    assert "A-2026-BBBB22" not in page.text  # submitted is the default filter
    assert f'href="/applications/{waiting}"' in page.text
    assert 'aria-current="page">Aanvragen<' in page.text


async def test_the_filters_go_to_exemptions_and_a_made_up_one_is_refused_at_its_field(
    desk: httpx.AsyncClient, api: FakeApplicationsApi
) -> None:
    api.add(an_application("A-2026-RES001", kind="resident", status="refused"))
    api.add(an_application("A-2026-DIS001", kind="disabled", status="refused"))
    page = await desk.get("/applications", params={"status": "refused", "kind": "resident"})
    assert "A-2026-RES001" in page.text
    assert "A-2026-DIS001" not in page.text
    calls = len(api.calls)
    bad = await desk.get("/applications", params={"status": "<script>", "kind": "bribe"})
    assert bad.status_code == 422
    assert field_error(bad.text, "status") != ""
    assert "<script>" not in bad.text
    assert len(api.calls) == calls, "a bad filter is not sent"


async def test_the_queue_speaks_english_when_asked(desk: httpx.AsyncClient, api: FakeApplicationsApi) -> None:
    found = api.add(an_application("A-2026-ENG001", status="needs_information", reason="Which street?"))
    desk.cookies.set("anpr_lang", "en")
    queue = await desk.get("/applications", params={"status": ""})
    page = await desk.get(f"/applications/{found}")
    assert "Applications from the counter" in queue.text
    assert "Information requested" in page.text
    assert "Question asked" in page.text
    assert "A grant is possible once the applicant has sent the information asked for." in page.text


async def test_only_the_permit_desk_opens_the_queue(api: FakeApplicationsApi) -> None:
    async with console_client(api, signed_in_session("Rik", {"reviewer"}, CSRF)) as reviewer:
        page = await reviewer.get("/applications")
    assert page.status_code == 403
    assert api.calls == []


async def test_an_application_shows_the_applicant_the_registry_check_the_documents_and_the_history(
    desk: httpx.AsyncClient, api: FakeApplicationsApi
) -> None:
    found = api.add(an_application("A-2026-CCCC33"))
    document = api.attach(found)
    page = await desk.get(f"/applications/{found}")
    assert page.status_code == 200
    assert "bsn:999990019" in page.text
    assert "Ik heb een gehandicaptenparkeerkaart." in page.text
    assert "Personenauto" in page.text
    assert f'href="/applications/{found}/documents/{document}"' in page.text
    assert "/v1/" not in page.text, "no link to exemptions itself"
    assert "J. Jansen" in page.text
    assert 'action="/applications/' + found + '/grant"' in page.text


async def test_a_document_is_downloaded_through_the_console_never_shown_inline(
    desk: httpx.AsyncClient, api: FakeApplicationsApi
) -> None:
    found = api.add(an_application("A-2026-DDDD44"))
    document = api.attach(found)
    got = await desk.get(f"/applications/{found}/documents/{document}")
    assert got.status_code == 200
    assert got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"] == f'attachment; filename="{document}.pdf"'
    assert got.headers["content-security-policy"].startswith("sandbox")


async def test_the_page_opens_while_the_registry_is_down(desk: httpx.AsyncClient, api: FakeApplicationsApi) -> None:
    api.registry_down = True
    found = api.add(an_application("A-2026-EEEE55"))
    page = await desk.get(f"/applications/{found}")
    assert page.status_code == 200
    assert "niet bereikbaar" in page.text


async def test_a_grant_sends_the_scope_with_the_last_day_included(
    desk: httpx.AsyncClient, api: FakeApplicationsApi
) -> None:
    found = api.add(an_application("A-2026-FFFF66"))
    form = {
        "csrf_token": CSRF,
        "valid_from": "2026-03-01",
        "valid_until": "2026-03-31",
        "regimes": "ze-zone, milieuzone",
        "zones": "centrum",
    }
    sent = await desk.post(f"/applications/{found}/grant", data=form)
    assert sent.status_code == 303
    assert sent.headers["location"] == f"/applications/{found}?done=granted"
    assert api.decisions == [
        {
            "application_id": found,
            "decision": "grant",
            "valid_from": "2026-03-01T00:00:00+01:00",
            "valid_until": "2026-04-01T00:00:00+02:00",  # exclusive: the day after, summer time by then
            "regimes": ["ze-zone", "milieuzone"],
            "zones": ["centrum"],
        }
    ]
    page = await desk.get(sent.headers["location"])
    assert "De ontheffing is verleend" in page.text
    assert 'id="permit" href="/permits/' in page.text
    assert 'action="/applications/' + found + '/grant"' not in page.text, "a closed application has no forms"


async def test_a_grant_sent_twice_is_done_once(desk: httpx.AsyncClient, api: FakeApplicationsApi) -> None:
    found = api.add(an_application("A-2026-GGGG77"))
    form = {"csrf_token": CSRF, "valid_from": "2026-03-01"}
    first = await desk.post(f"/applications/{found}/grant", data=form)
    second = await desk.post(f"/applications/{found}/grant", data=form)
    assert first.headers["location"].endswith("done=granted")
    assert second.status_code == 303
    assert second.headers["location"].endswith("done=already")
    assert len(api.decisions) == 1


async def test_a_step_someone_else_took_meanwhile_is_said_not_overwritten(
    desk: httpx.AsyncClient, api: FakeApplicationsApi
) -> None:
    found = api.add(an_application("A-2026-HHHH88", status="refused", reason="Buiten het gebied."))
    sent = await desk.post(f"/applications/{found}/ask", data={"csrf_token": CSRF, "question": "Welke straat?"})
    assert sent.status_code == 409
    assert "intussen veranderd" in sent.text
    assert api.decisions == []


async def test_a_refusal_and_a_question_carry_the_reason_the_applicant_reads(
    desk: httpx.AsyncClient, api: FakeApplicationsApi
) -> None:
    asked_id = api.add(an_application("A-2026-JJJJ99"))
    refused_id = api.add(an_application("A-2026-KKKK00"))
    asked = await desk.post(f"/applications/{asked_id}/ask", data={"csrf_token": CSRF, "question": " Welke straat? "})
    refused = await desk.post(
        f"/applications/{refused_id}/refuse", data={"csrf_token": CSRF, "reason": "Het adres ligt buiten de zone."}
    )
    assert asked.headers["location"].endswith("done=asked")
    assert refused.headers["location"].endswith("done=refused")
    assert [(d["decision"], d["reason"]) for d in api.decisions] == [
        ("needs_information", "Welke straat?"),
        ("refuse", "Het adres ligt buiten de zone."),
    ]


async def test_mark_paid(desk: httpx.AsyncClient, api: FakeApplicationsApi) -> None:
    found = api.add(an_application("A-2026-LLLL11"))
    sent = await desk.post(f"/applications/{found}/paid", data={"csrf_token": CSRF})
    assert sent.headers["location"].endswith("done=paid")
    page = await desk.get(sent.headers["location"])
    assert 'id="paid"><span class="badge active">' in page.text
    assert 'id="mark-paid"' not in page.text
    history = page.text[page.text.index("<caption>") :]
    assert '<th scope="row">Sanne Jansen</th>\n    <td>Betaling ontvangen (Ingediend)</td>' in history


# Hostile input: each is stopped at the console, at its field, and nothing reaches exemptions.


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("<script>alert(1)</script>", "alleen gewone tekst"),
        ("Zie javascript:alert(1)", "alleen gewone tekst"),
        ("&#60;b&#62;", "alleen gewone tekst"),
        ("   ", "vul een tekst in"),
        ("x" * 2001, "maximaal 2000 tekens"),
    ],
)
async def test_a_refusal_with_script_or_nothing_in_the_reason_is_refused_at_the_field(
    desk: httpx.AsyncClient, api: FakeApplicationsApi, reason: str, message: str
) -> None:
    found = api.add(an_application("A-2026-MMMM22"))
    sent = await desk.post(f"/applications/{found}/refuse", data={"csrf_token": CSRF, "reason": reason})
    assert sent.status_code == 422
    assert message in field_error(sent.text, "refuse-reason")
    assert 'id="f-refuse-reason" name="reason"' in sent.text
    assert 'aria-invalid="true"' in sent.text
    assert "<script>alert" not in sent.text, "what was typed comes back escaped"
    assert api.decisions == []


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "field", "message"),
    [
        ("2026-02-30", "", "valid_from", "geen geldige datum"),
        ("01-03-2026", "", "valid_from", "geen geldige datum"),
        ("20260301", "", "valid_from", "geen geldige datum"),
        ("9999-12-31", "", "valid_from", "geen geldige datum"),
        ("", "", "valid_from", "vul een datum in"),
        ("2026-03-01", "2026-02-28", "valid_until", "ligt voor de begindatum"),
        ("2026-03-01", "'; DROP TABLE--", "valid_until", "geen geldige datum"),
    ],
)
async def test_bad_dates_are_refused_at_their_field(
    desk: httpx.AsyncClient, api: FakeApplicationsApi, valid_from: str, valid_until: str, field: str, message: str
) -> None:
    found = api.add(an_application("A-2026-NNNN33"))
    form = {"csrf_token": CSRF, "valid_from": valid_from, "valid_until": valid_until}
    sent = await desk.post(f"/applications/{found}/grant", data=form)
    assert sent.status_code == 422
    assert message in field_error(sent.text, f"grant-{field}")
    assert api.decisions == []


async def test_a_scope_with_markup_is_refused_at_its_field(desk: httpx.AsyncClient, api: FakeApplicationsApi) -> None:
    found = api.add(an_application("A-2026-PPPP44"))
    form = {"csrf_token": CSRF, "valid_from": "2026-03-01", "zones": "centrum, <img src=x>"}
    sent = await desk.post(f"/applications/{found}/grant", data=form)
    assert sent.status_code == 422
    assert field_error(sent.text, "grant-zones") != ""
    assert "<img src=x>" not in sent.text
    assert api.decisions == []


@pytest.mark.parametrize(
    "path",
    [
        "/applications/..%2F..%2Fv1%2Fexemptions",
        "/applications/1%20OR%201=1",
        "/applications/00000000-0000-0000-0000-000000000000",
        "/applications/" + "9" * 5000,
    ],
)
async def test_a_foreign_or_made_up_id_is_not_found(
    desk: httpx.AsyncClient, api: FakeApplicationsApi, path: str
) -> None:
    api.add(an_application("A-2026-QQQQ55"))
    page = await desk.get(path)
    assert page.status_code == 404
    if "%2F" not in path:  # an encoded slash makes it no route of the console at all (the bare 404)
        assert "Aanvraag niet gevonden" in page.text
    assert all("exemptions" not in call for call in api.calls), "nothing but an application id reaches exemptions"


async def test_a_document_of_another_application_or_a_made_up_one_is_not_found(
    desk: httpx.AsyncClient, api: FakeApplicationsApi
) -> None:
    mine, other = api.add(an_application("A-2026-RRRR66")), api.add(an_application("A-2026-SSSS77"))
    theirs = api.attach(other)
    crossed = await desk.get(f"/applications/{mine}/documents/{theirs}")
    made_up = await desk.get(f"/applications/{mine}/documents/..%2F..%2Fpasswd")
    assert crossed.status_code == 404
    assert made_up.status_code == 404
    assert PDF not in crossed.content


async def test_a_decision_on_a_made_up_id_or_action_sends_nothing(
    desk: httpx.AsyncClient, api: FakeApplicationsApi
) -> None:
    found = api.add(an_application("A-2026-TTTT88"))
    bad_id = await desk.post("/applications/not-an-id/refuse", data={"csrf_token": CSRF, "reason": "nee"})
    bad_action = await desk.post(f"/applications/{found}/delete", data={"csrf_token": CSRF})
    assert bad_id.status_code == 404
    assert bad_action.status_code == 404
    assert api.decisions == []


async def test_a_decision_without_the_csrf_token_is_refused(desk: httpx.AsyncClient, api: FakeApplicationsApi) -> None:
    found = api.add(an_application("A-2026-UUUU99"))
    sent = await desk.post(f"/applications/{found}/refuse", data={"reason": "Geforceerd via een andere site."})
    assert sent.status_code == 403
    assert api.decisions == []
    assert api.calls == []


async def test_a_refusal_exemptions_gives_is_shown_at_the_field_it_names(
    desk: httpx.AsyncClient, api: FakeApplicationsApi
) -> None:
    found = api.add(an_application("A-2026-VVVV00"))
    api.refuse_next = "valid_from: the permit cannot start before 2026-01-01"
    form = {"csrf_token": CSRF, "valid_from": "2026-03-01", "zones": "centrum"}
    sent = await desk.post(f"/applications/{found}/grant", data=form)
    assert sent.status_code == 422
    assert "cannot start before 2026-01-01" in field_error(sent.text, "grant-valid_from")
    assert 'value="centrum"' in sent.text, "what was typed is kept"
