"""exemptions' refusals said in the applicant's language: every code exemptions can send has Dutch and
English words here that take exactly the values it sends; the counter's pages show them next to the field,
and fall back to exemptions' own words for a code (or values) they do not know."""

import string
from datetime import date
from typing import Annotated

import httpx
import pydantic
import pytest

from anpr_console.domain.loket import Said, errors_of, refusal_key
from anpr_console.domain.messages import EN, NL, translate
from anpr_console.entrypoints.loket import LOKET_COOKIE
from anpr_exemptions import RefusalCode

from .test_loket_pages import CSRF, applicant, counter

# What exemptions sends with each code (its domain/errors.py names them): one example each. A code added
# there without an entry here, or without words in the console, fails below.
PARAMS: dict[str, dict[str, str | int]] = {
    "country_not_nl": {},
    "plate_invalid": {},
    "plate_not_registered": {"plate": "VX123B"},
    "plate_exempt_automatically": {"plate": "VX123B", "reasons": "age_40_years"},
    "plate_needs_no_day_permit": {"plate": "VX123B"},
    "day_missing": {},
    "day_not_for_kind": {"kind": "disabled"},
    "day_in_past": {"day": "2026-12-05"},
    "day_beyond_horizon": {"days": 90, "until": "2027-03-06"},
    "day_taken": {"plate": "VX123B", "day": "2026-12-07"},
    "quota_used_up": {"plate": "VX123B", "used": 12, "limit": 12, "year": 2026},
    "application_open": {"kind": "resident", "plate": "VX123B"},
    "too_many_applications": {"limit": 20},
    "email_invalid": {},
    "text_too_long": {"field": "details", "limit": 2000},
    "text_not_plain": {"field": "details"},
    "reason_required": {},
    "document_type": {},
    "document_empty": {},
    "document_too_large": {"limit": 5242880},
    "document_limit": {"limit": 5},
    "document_closed": {"number": "A-2026-7F3K9Q", "status": "granted"},
    "step_not_allowed": {"number": "A-2026-7F3K9Q", "status": "granted", "to": "withdrawn"},
}
SAID = [code.value for code in RefusalCode if code is not RefusalCode.INVALID]


@pytest.mark.parametrize("code", SAID)
def test_every_code_has_dutch_and_english_words_for_the_values_it_sends(code: str) -> None:
    assert code in PARAMS, f"exemptions sends {code!r}: add its values here and its words to messages/loket.py"
    key = refusal_key(code)
    assert key in NL, f"no Dutch words for {code}"
    assert key in EN, f"no English words for {code}"
    for text in (NL[key], EN[key]):
        named = {name for _, name, _, _ in string.Formatter().parse(text) if name}
        assert named <= set(PARAMS[code]), f"{code}: the text names {named - set(PARAMS[code])}, never sent"
    dutch, english = translate("nl", key, **PARAMS[code]), translate("en", key, **PARAMS[code])
    assert dutch != english
    assert "{" not in dutch + english
    [said] = errors_of("plate: whatever", "", code, PARAMS[code]).values()
    assert isinstance(said, Said)
    assert (said.key, set(said.values)) == (key, set(PARAMS[code]))
    assert "2026-12-07" not in str(said.values.values()), "a day is written day first"


def test_the_catch_all_code_and_unknown_codes_keep_exemptions_words() -> None:
    assert refusal_key("invalid") not in NL
    assert errors_of("plate: is odd", "", "invalid", {}) == {"plate": "is odd"}
    assert errors_of("plate: is odd", "", "a_code_from_a_newer_exemptions", {}) == {"plate": "is odd"}
    # The words name a value exemptions did not send (an older version): its own words, not a broken page.
    assert errors_of("day: at most 90 days ahead", "", "day_beyond_horizon", {"days": 90}) == {
        "day": "at most 90 days ahead"
    }
    # Only text and numbers are values: anything else is left out.
    assert errors_of("plate: x", "", "plate_not_registered", {"plate": {"a": 1}}) == {"plate": "x"}


QUOTA = {
    "detail": "day permit refused: vehicle VX123B already has 12 of the 12 day permits allowed in demo for 2026",
    "code": "quota_used_up",
    "params": {"plate": "VX123B", "used": 12, "limit": 12, "year": 2026},
}
FORM = {"plate": "VX123B", "day": "2026-12-07", "email": "jan@example.nl", "csrf_token": CSRF}


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("nl", "Voertuig VX123B heeft al 12 van de 12 dagontheffingen van 2026 gebruikt."),
        ("en", "Vehicle VX123B has used 12 of its 12 day permits for 2026."),
    ],
)
async def test_the_thirteenth_day_permit_is_refused_in_the_applicants_language(language: str, words: str) -> None:
    cookies = {LOKET_COOKIE: "loket-1", "anpr_lang": language}
    async with counter(lambda _: httpx.Response(409, json=QUOTA), cookies, loket_sessions=[applicant()]) as c:
        page = await c.post("/loket/apply/day-permit", data=FORM)

    assert page.status_code == 422
    assert f'<p class="field-error" id="f-day-error">{words}' in page.text
    assert "already has 12 of the 12" not in page.text
    assert 'value="2026-12-07"' in page.text


async def test_a_day_beyond_the_horizon_is_said_in_dutch_next_to_the_day() -> None:
    beyond = {
        "detail": "day: at most 90 days ahead (until 2027-03-06)",
        "code": "day_beyond_horizon",
        "params": {"days": 90, "until": "2027-03-06"},
    }
    async with counter(
        lambda _: httpx.Response(422, json=beyond), {LOKET_COOKIE: "loket-1"}, loket_sessions=[applicant()]
    ) as c:
        page = await c.post("/loket/apply/day-permit", data=FORM)

    assert (
        '<p class="field-error" id="f-day-error">U kunt hooguit 90 dagen vooruit aanvragen (tot en met 06-03-2027).'
        in page.text
    )


async def test_a_plate_not_in_the_registry_is_said_in_dutch_on_the_vehicle_check() -> None:
    unknown = {
        "detail": "plate: VX123B is not in the RDW vehicle registry",
        "code": "plate_not_registered",
        "params": {"plate": "VX123B"},
    }
    async with counter(
        lambda _: httpx.Response(422, json=unknown), {LOKET_COOKIE: "loket-1"}, loket_sessions=[applicant()]
    ) as c:
        page = await c.post("/loket/vehicle", data={"plate": "VX-123-B", "csrf_token": CSRF})

    assert "Kenteken VX123B staat niet in het kentekenregister van de RDW." in page.text
    assert "is not in the RDW vehicle registry" not in page.text


async def test_a_refusal_without_a_field_is_said_above_the_form() -> None:
    limit = {
        "detail": "at most 20 new applications an hour; try again later",
        "code": "too_many_applications",
        "params": {"limit": 20},
    }
    async with counter(
        lambda _: httpx.Response(429, json=limit), {LOKET_COOKIE: "loket-1"}, loket_sessions=[applicant()]
    ) as c:
        page = await c.post("/loket/apply/day-permit", data=FORM)

    assert 'id="form-error">U heeft het afgelopen uur al 20 aanvragen gedaan.' in page.text


class _Schema(pydantic.BaseModel):
    """Two fields as exemptions' application schema types them, for pydantic's own 422 errors."""

    day: date | None = None
    details: Annotated[str, pydantic.StringConstraints(max_length=2000)] = ""


def schema_refusal(**fields: object) -> dict[str, object]:
    """What FastAPI answers for a body the schema refuses: pydantic's errors, each located under `body`."""
    try:
        _Schema.model_validate(fields)
    except pydantic.ValidationError as refused:
        errors = refused.errors(include_url=False)
        return {"detail": [{**e, "loc": ["body", *e["loc"]], "input": str(e["input"])} for e in errors]}
    raise AssertionError("the schema took it")


@pytest.mark.parametrize(
    ("kind", "fields", "field", "words"),
    [
        ("day-permit", {"day": "7-12"}, "day", "Vul een geldige datum in."),
        ("resident", {"details": "x" * 2001}, "details", "Gebruik hooguit 2000 tekens."),
    ],
)
async def test_a_request_the_schema_refused_is_said_in_dutch_next_to_its_field(
    kind: str, fields: dict[str, object], field: str, words: str
) -> None:
    refused = schema_refusal(**fields)
    form = FORM | {"details": "rolstoel"} if kind == "resident" else FORM
    async with counter(
        lambda _: httpx.Response(422, json=refused), {LOKET_COOKIE: "loket-1"}, loket_sessions=[applicant()]
    ) as c:
        page = await c.post(f"/loket/apply/{kind}", data=form)

    assert f'<p class="field-error" id="f-{field}-error">{words}</p>' in page.text
    assert "Input should be" not in page.text
    assert "String should have" not in page.text


def test_a_schema_refusal_the_counter_has_no_words_for_keeps_pydantics() -> None:
    assert errors_of("body.day: Value error, odd", "", "request.value_error", {"error": "odd"}) == {
        "day": "Value error, odd"
    }
