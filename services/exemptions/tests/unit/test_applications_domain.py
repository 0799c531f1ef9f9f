"""The counter's workflow, vehicle checks and form checks: pure domain, no I/O."""

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from anpr_exemptions.config import ExemptionsSettings
from anpr_exemptions.domain import application_form as form
from anpr_exemptions.domain.applications import Application, ApplicationKind, InvalidStep, Status, move
from anpr_exemptions.domain.errors import InvalidExemption
from anpr_exemptions.domain.mail import status_mail
from anpr_exemptions.domain.vehicle_checks import CheckPolicy, VehicleFacts, day_permit_refusal, vehicle_checks

NOW = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)
POLICY = CheckPolicy(frozenset({"N1", "N2", "N3"}), frozenset({"Elektriciteit", "Waterstof"}), frozenset({"146"}))


def an_application(status: Status = Status.SUBMITTED) -> Application:
    return Application(
        application_id="a-1",
        number="A-2026-7F3K9Q",
        applicant="bsn:999990019",
        kind=ApplicationKind.DISABLED,
        plate="VX123B",
        status=status,
        submitted_at=NOW,
        email="x@anpr.invalid",
        fee_cents=0,
        payment_reference="ANPR1",
    )


@pytest.mark.parametrize(
    ("start", "to"),
    [
        (Status.SUBMITTED, Status.GRANTED),
        (Status.SUBMITTED, Status.REFUSED),
        (Status.SUBMITTED, Status.NEEDS_INFORMATION),
        (Status.SUBMITTED, Status.WITHDRAWN),
        (Status.NEEDS_INFORMATION, Status.SUBMITTED),
        (Status.NEEDS_INFORMATION, Status.WITHDRAWN),
        (Status.NEEDS_INFORMATION, Status.REFUSED),
    ],
)
def test_allowed_steps_are_recorded_with_who_when_from_and_to(start: Status, to: Status) -> None:
    moved, step = move(an_application(start), to, "desk-1", "Sanne Jansen", NOW, "waarom")

    assert moved.status is to
    assert (step.from_status, step.to_status, step.actor, step.at) == (start, to, "desk-1", NOW)
    assert (moved.decided_at is not None) == (to in {Status.GRANTED, Status.REFUSED, Status.WITHDRAWN})


@pytest.mark.parametrize("final", [Status.GRANTED, Status.REFUSED, Status.WITHDRAWN])
@pytest.mark.parametrize("to", list(Status))
def test_a_final_status_never_changes(final: Status, to: Status) -> None:
    with pytest.raises(InvalidStep):
        move(an_application(final), to, "desk-1", "Sanne", NOW, "reden")


def test_granting_while_a_question_is_open_is_refused() -> None:
    with pytest.raises(InvalidStep):
        move(an_application(Status.NEEDS_INFORMATION), Status.GRANTED, "desk-1", "Sanne", NOW)


@pytest.mark.parametrize("to", [Status.REFUSED, Status.NEEDS_INFORMATION])
def test_a_refusal_or_a_question_needs_a_reason(to: Status) -> None:
    with pytest.raises(InvalidExemption, match="reason"):
        move(an_application(), to, "desk-1", "Sanne", NOW, "  ")


def van(**changes: object) -> VehicleFacts:
    values: dict[str, object] = {
        "plate": "VX123B",
        "kind": "Bedrijfsauto",
        "category": "N1",
        "first_admission": date(2019, 1, 1),
        "fuels": ("Diesel",),
        "emission_class": 6,
    }
    values.update(changes)
    return VehicleFacts(**values)  # type: ignore[arg-type]


def test_a_fossil_van_needs_a_day_permit() -> None:
    checks = vehicle_checks("VX123B", van(), date(2026, 5, 4), POLICY)

    assert checks.day_permit_needed
    assert day_permit_refusal(checks) is None


@pytest.mark.parametrize(
    ("facts", "automatic", "why"),
    [
        (van(first_admission=date(1986, 5, 4)), ("age_40_years",), "exempt without a permit"),
        (van(special_codes=("146",)), ("wheelchair",), "exempt without a permit"),
        (van(body_codes=("SH",)), ("wheelchair",), "exempt without a permit"),
        (van(fuels=("Elektriciteit",)), (), "zero emission"),
        (van(category="M1"), (), "vans and trucks only"),
    ],
)
def test_vehicles_that_need_no_day_permit(facts: VehicleFacts, automatic: tuple[str, ...], why: str) -> None:
    checks = vehicle_checks("VX123B", facts, date(2026, 5, 4), POLICY)

    assert checks.automatic == automatic
    assert why in str(day_permit_refusal(checks) or "")


def test_forty_years_counts_from_the_birthday() -> None:
    assert vehicle_checks("X", van(first_admission=date(1986, 5, 5)), date(2026, 5, 4), POLICY).automatic == ()


def test_an_unregistered_plate() -> None:
    assert "not in the RDW" in str(day_permit_refusal(vehicle_checks("VX123B", None, date(2026, 5, 4), POLICY)) or "")


@pytest.mark.parametrize("plate", ["VX-123-B", "vx 123 b", "12-ABC-3"])
def test_dutch_plates(plate: str) -> None:
    assert len(form.dutch_plate(plate, "NL")) == 6


@pytest.mark.parametrize("plate", ["AB-12", "ABCDEF", "123456", "VX-123-É", "<scr>1", "VX-123-BB"])
def test_not_dutch_plates(plate: str) -> None:
    with pytest.raises(InvalidExemption, match=r"^plate: "):
        form.dutch_plate(plate, "NL")


def test_a_foreign_vehicle_is_named_by_its_country() -> None:
    with pytest.raises(InvalidExemption, match=r"^country: "):
        form.dutch_plate("VX-123-B", "BE")


@pytest.mark.parametrize("text", ["<b>x</b>", "a\x00b", "javascript:alert(1)", "&#60;script", "{{7*7}}"])
def test_free_text_is_plain(text: str) -> None:
    with pytest.raises(InvalidExemption, match=r"^details: plain text only"):
        form.plain_text("details", text, 100)


def test_documents_by_their_first_bytes() -> None:
    assert form.document_type(b"%PDF-1.7 ...") == "application/pdf"
    assert form.document_type(b"\xff\xd8\xff\xdb...") == "image/jpeg"
    for other in (b"GIF89a", b"\x89PNG\r\n", b"PK\x03\x04", b"<html>"):
        with pytest.raises(InvalidExemption, match=r"^document: "):
            form.document_type(other)


def test_a_status_mail_says_number_and_status_only() -> None:
    mail = status_mail(an_application(Status.REFUSED), "https://gemeente.example/loket")

    assert mail.subject == "Aanvraag A-2026-7F3K9Q: afgewezen"
    for personal in ("VX123B", "bsn", "999990019"):
        assert personal not in mail.text + mail.html
    assert "refused" in mail.text


def test_production_refuses_mail_without_tls() -> None:
    secrets = {
        "admin_token": "k3H9-" + "a" * 40,
        "pseudonym_key": "k3H9-" + "b" * 40,
        "dead_letter_key": "k3H9-" + "c" * 40,
    }
    with pytest.raises(ValidationError, match="ANPR_SMTP_TLS=none"):
        ExemptionsSettings.model_validate(
            {"environment": "production", "smtp_host": "relay.example.org", "smtp_tls": "none", **secrets}
        )
