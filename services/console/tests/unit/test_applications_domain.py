"""The desk queue's forms as pure functions: filters, ids, a grant's period in Amsterdam time, reasons the
applicant reads, and which field an exemptions refusal is about."""

from datetime import date

import pytest

from anpr_console.domain.applications import (
    QueueFilter,
    application_id,
    grant_defaults,
    parse_filter,
    parse_grant,
    parse_question,
    parse_refusal,
    refused_field,
)
from anpr_console.domain.messages import EN, NL
from anpr_console.domain.review import FormProblem


def test_the_queue_opens_on_what_waits_for_the_desk() -> None:
    assert parse_filter({}) == QueueFilter("submitted", "")
    assert parse_filter({"status": "", "kind": "works"}).params() == {"kind": "works"}


@pytest.mark.parametrize(("args", "field"), [({"status": "deleted"}, "status"), ({"kind": "market"}, "kind")])
def test_a_filter_value_not_in_the_lists_names_its_field(args: dict[str, str], field: str) -> None:
    with pytest.raises(FormProblem) as problem:
        parse_filter(args)
    assert problem.value.field == field


def test_only_a_uuid_is_an_application_id() -> None:
    assert application_id("0A2B6F4E-1C3D-4E5F-8A9B-0C1D2E3F4A5B") == "0a2b6f4e-1c3d-4e5f-8a9b-0c1d2e3f4a5b"
    assert application_id("../exemptions") is None
    assert application_id("") is None


def test_a_grant_runs_from_midnight_to_midnight_after_the_last_day_in_amsterdam_time() -> None:
    body = parse_grant({"valid_from": "2026-10-01", "valid_until": "2026-10-24", "regimes": "ze\nmilieu,ze"})
    assert body["valid_from"] == "2026-10-01T00:00:00+02:00"
    assert body["valid_until"] == "2026-10-25T00:00:00+02:00"
    assert body["regimes"] == ["ze", "milieu"]
    assert body["zones"] == []
    assert parse_grant({"valid_from": "2026-03-01"})["valid_until"] is None


def test_the_grant_form_starts_today_open_ended() -> None:
    assert grant_defaults(date(2026, 3, 2)) == {
        "valid_from": "2026-03-02",
        "valid_until": "",
        "regimes": "",
        "zones": "",
    }


def test_a_reason_is_plain_text_sent_as_typed_less_the_edges() -> None:
    assert (
        parse_refusal({"reason": "  Buiten de zone.\r\nZie het besluit. "})["reason"]
        == "Buiten de zone.\nZie het besluit."
    )
    assert parse_question({"question": "Welke straat?"}) == {"decision": "needs_information", "reason": "Welke straat?"}
    with pytest.raises(FormProblem) as problem:
        parse_question({"question": "a\x00b"})
    assert (problem.value.field, problem.value.message) == ("question", "applications.form.plain_text")


@pytest.mark.parametrize(
    ("detail", "posted", "field"),
    [
        ("reason: a refused needs a reason", "question", "question"),
        ("valid_from: too early", "valid_from", "valid_from"),
        ("zones: unknown zone", "valid_from", "zones"),
        ("application A-1 is gone", "reason", "reason"),
    ],
)
def test_a_refusal_from_exemptions_lands_at_the_field_it_names(detail: str, posted: str, field: str) -> None:
    fields = (posted,) if posted in ("reason", "question") else ("valid_from", "valid_until", "regimes", "zones")
    assert refused_field(detail, posted, fields) == field


def test_every_word_of_the_queue_is_in_both_languages() -> None:
    mine = {key for key in NL if key.startswith("applications")}
    assert mine == {key for key in EN if key.startswith("applications")}
