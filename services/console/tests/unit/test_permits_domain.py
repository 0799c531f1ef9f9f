"""The permit desk's forms, texts, upload parsing and import memory: pure, no service behind them."""

from datetime import UTC, datetime, timedelta

import pytest

from anpr_console.domain.permits import (
    MAX_IMPORT_BYTES,
    form_values,
    parse_change,
    parse_new,
    parse_search,
    same_permit,
)
from anpr_console.domain.permits_text import audit_value, day_text
from anpr_console.domain.review import FormProblem
from anpr_console.domain.uploads import UploadRefused, UploadTooLarge, parse_multipart
from anpr_console.handlers.permits_imports import KEEP, ImportResults

GOOD = {
    "plate": "xs-nb 23",
    "kind": "resident",
    "regimes": "milieuzone-centrum, ze-zone",
    "zones": "",
    "valid_from": "2026-03-01",
    "valid_until": "2026-03-31",
    "daily_from": "",
    "daily_until": "",
    "day": "",
    "reference": " BEW-1 ",
}


def test_a_good_form_becomes_exemptions_body_with_an_inclusive_last_day() -> None:
    body = parse_new(GOOD, "Sanne Jansen")
    assert body["plate"] == "XSNB23"
    assert body["regimes"] == ["milieuzone-centrum", "ze-zone"]
    assert body["zones"] == []
    assert body["valid_from"] == "2026-03-01T00:00:00+01:00"
    assert body["valid_until"] == "2026-04-01T00:00:00+02:00"  # the day after the last, summer time by then
    assert body["reference"] == "BEW-1"
    assert body["issuer"] == "Sanne Jansen"
    assert "day" not in body


def test_a_day_permit_needs_a_day_and_ignores_the_period_fields() -> None:
    with pytest.raises(FormProblem) as problem:
        parse_new({**GOOD, "kind": "day-permit"}, "x")
    assert problem.value.field == "day"
    body = parse_new({**GOOD, "kind": "day-permit", "day": "2026-03-14", "valid_from": ""}, "x")
    assert body["day"] == "2026-03-14"
    assert "valid_from" not in body


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"plate": " - "}, "plate", "form.plate_required"),
        ({"plate": "A" * 17}, "plate", "form.plate_too_long"),
        ({"kind": "king"}, "kind", "permits.form.kind_unknown"),
        ({"regimes": "milieu|zone;x y\x01"}, "regimes", "permits.form.scope_invalid"),
        ({"valid_from": ""}, "valid_from", "permits.form.date_required"),
        ({"valid_from": "01-03-2026"}, "valid_from", "permits.form.date_invalid"),
        ({"valid_until": "2026-02-28"}, "valid_until", "permits.form.until_before_from"),
        ({"daily_from": "07:00"}, "daily_until", "permits.form.daily_both"),
        ({"daily_from": "25:00", "daily_until": "08:00"}, "daily_from", "permits.form.time_invalid"),
        ({"reference": "  "}, "reference", "permits.form.reference_required"),
        ({"reference": "x" * 201}, "reference", "permits.form.reference_invalid"),
    ],
)
def test_a_bad_field_is_named_with_its_message(change: dict[str, str], field: str, message: str) -> None:
    with pytest.raises(FormProblem) as problem:
        parse_new({**GOOD, **change}, "x")
    assert (problem.value.field, problem.value.message) == (field, message)


def test_the_scope_separator_is_not_a_scope() -> None:
    # "|" separates lists in the CSV import; here it is simply taken as a separator as well.
    assert parse_new({**GOOD, "regimes": "a|b;c  d,a"}, "x")["regimes"] == ["a", "b", "c", "d"]


PERMIT = {
    "exemption_id": "p-1",
    "plate": "XSNB23",
    "kind": "resident",
    "regimes": ["milieuzone-centrum"],
    "zones": [],
    "valid_from": "2026-02-28T23:00:00Z",
    "valid_until": "2026-03-31T22:00:00Z",
    "daily_from": None,
    "daily_until": None,
    "day": None,
    "reference": "BEW-1",
    "revoked": False,
}


def test_the_change_form_shows_the_permit_and_sends_only_what_was_altered() -> None:
    shown = form_values(PERMIT)
    assert shown["valid_from"] == "2026-03-01"
    assert shown["valid_until"] == "2026-03-31"  # the last day included
    assert parse_change(shown, PERMIT) == {}  # the same form twice: nothing to send
    assert parse_change({**shown, "reference": "BEW-2"}, PERMIT) == {"reference": "BEW-2"}
    assert parse_change({**shown, "valid_until": ""}, PERMIT) == {"valid_until": None}
    assert parse_change({**shown, "daily_from": "07:00", "daily_until": "19:00"}, PERMIT) == {
        "daily_from": "07:00",
        "daily_until": "19:00",
    }


def test_a_changed_form_is_still_checked_whole() -> None:
    with pytest.raises(FormProblem) as problem:
        parse_change({**form_values(PERMIT), "valid_until": "2026-01-01"}, PERMIT)
    assert problem.value.field == "valid_until"


def test_a_granted_permit_is_recognised_as_the_same_form_sent_again() -> None:
    body = parse_new({**GOOD, "plate": "XSNB23", "regimes": "milieuzone-centrum", "reference": "BEW-1"}, "x")
    assert same_permit(PERMIT, body)
    assert not same_permit({**PERMIT, "revoked": True}, body)
    assert not same_permit({**PERMIT, "reference": "BEW-9"}, body)


def test_search_keeps_only_known_values() -> None:
    assert parse_search({"plate": "xs-nb-23", "kind": "", "regime": ""}).query() == {"plate": "XSNB23"}
    assert parse_search({}).empty
    with pytest.raises(FormProblem):
        parse_search({"kind": "<script>"})
    with pytest.raises(FormProblem):
        parse_search({"regime": "a b"})


def test_dates_read_day_first_in_amsterdam() -> None:
    assert day_text("2026-03-14") == "14-03-2026"
    assert day_text("2026-03-31T22:00:00Z") == "01-04-2026"
    assert day_text("2026-04-01T00:00:00+02:00", last=True) == "31-03-2026"
    assert audit_value(["a", "b"]) == "a, b"
    assert audit_value(None) == "—"
    assert audit_value("2026-03-31T22:00:00+00:00") == "01-04-2026 00:00"


def _multipart(*parts: tuple[str, str | None, bytes]) -> bytes:
    body = b""
    for name, filename, content in parts:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        body += f"--BOUNDARY\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + content + b"\r\n"
    return body + b"--BOUNDARY--\r\n"


def test_an_upload_gives_its_fields_and_the_file_byte_for_byte() -> None:
    csv = "plate,kind\r\nAB12CD,résident\r\n".encode()
    body = _multipart(("csrf_token", None, b"secret"), ("file", "p.csv", csv))
    sent = parse_multipart("multipart/form-data; boundary=BOUNDARY", body, MAX_IMPORT_BYTES)
    assert sent.fields("file") == {"csrf_token": "secret"}
    file = sent.file("file")
    assert file is not None
    assert file.filename == "p.csv"
    assert file.data == csv


def test_an_upload_that_is_not_multipart_or_too_large_is_refused() -> None:
    with pytest.raises(UploadRefused):
        parse_multipart("application/x-www-form-urlencoded", b"file=x", MAX_IMPORT_BYTES)
    with pytest.raises(UploadTooLarge):
        parse_multipart("multipart/form-data; boundary=BOUNDARY", _multipart(("file", "p.csv", b"x" * 200)), 100)
    empty = parse_multipart("multipart/form-data; boundary=BOUNDARY", _multipart(("csrf_token", None, b"s")), 1000)
    assert empty.file("file") is None  # the page says "choose a file", after the CSRF check
    assert parse_multipart("multipart/form-data; boundary=BOUNDARY", b"no parts", 1000).parts == ()


def test_an_import_result_is_kept_for_its_session_only_and_for_a_while() -> None:
    results, now = ImportResults(), datetime(2026, 3, 2, 9, tzinfo=UTC)
    digest = results.digest(b"plate,kind\n")
    kept = results.keep("session-a", digest, "p.csv", {"created": [], "errors": []}, now)
    assert results.get(kept.result_id, "session-a", now) == kept
    assert results.get(kept.result_id, "session-b", now) is None  # the report names plates
    assert results.earlier("session-a", digest, now + timedelta(minutes=1)) == kept
    assert results.earlier("session-b", digest, now) is None
    assert results.earlier("session-a", results.digest(b"other"), now) is None
    assert results.get(kept.result_id, "session-a", now + KEEP + timedelta(seconds=1)) is None
