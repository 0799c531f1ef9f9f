"""Issuing and amending permits: every way a request can be wrong gives a clear `InvalidExemption`."""

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from anpr_exemptions.domain.errors import InvalidExemption
from anpr_exemptions.domain.model import ExemptionKind
from anpr_exemptions.domain.permit import DayPermitPolicy, amend, issue
from anpr_exemptions.domain.plate import normalise_plate

from .builders import FROM, POLICY, a_day_permit, terms


def test_issue_keeps_scope_and_drops_repeated_ids() -> None:
    permit = issue(
        "ex-1", terms(regimes=("a", "b", "a"), zones=("z",), daily_from=time(22), daily_until=time(2)), POLICY
    )
    assert permit.regimes == ("a", "b")
    assert permit.zones == ("z",)
    assert (permit.daily_from, permit.daily_until) == (time(22), time(2))
    assert permit.municipality is None
    assert permit.day is None


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"valid_until": FROM - timedelta(days=1)}, "valid_until .* must be after valid_from"),
        ({"valid_until": FROM}, "must be after valid_from"),
        ({"valid_from": None}, "valid_from is required"),
        ({"valid_from": datetime(2026, 1, 1)}, "valid_from needs a UTC offset"),
        ({"daily_from": time(22)}, "daily_from and daily_until go together"),
        ({"daily_until": time(2)}, "daily_from and daily_until go together"),
        ({"daily_from": time(8), "daily_until": time(8)}, "leave both out for a permit valid all day"),
        ({"daily_from": time(8, tzinfo=UTC), "daily_until": time(9)}, "without an offset"),
        ({"day": date(2026, 5, 1)}, "day is only for a day-permit"),
    ],
)
def test_issue_refuses_impossible_permits(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidExemption, match=message):
        issue("ex-1", terms(**overrides), POLICY)


def test_a_day_permit_computes_its_validity_from_its_day() -> None:
    permit = a_day_permit(date(2026, 5, 1))
    assert permit.kind is ExemptionKind.DAY_PERMIT
    assert permit.valid_from == datetime(2026, 4, 30, 22, tzinfo=UTC)  # 00:00 CEST
    assert permit.valid_until == datetime(2026, 5, 2, 4, tzinfo=UTC)  # 06:00 CEST the next day
    assert permit.municipality == "haarlem"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"day": None}, "a day-permit needs day"),
        ({"day": date(2026, 5, 1), "valid_from": FROM}, "takes only day, not valid_from"),
        ({"day": date(2026, 5, 1), "valid_until": FROM}, "takes only day, not valid_until"),
        ({"day": date(2026, 5, 1), "daily_from": time(1), "daily_until": time(2)}, "not daily_from, daily_until"),
    ],
)
def test_a_day_permit_takes_a_day_and_nothing_else(overrides: dict[str, object], message: str) -> None:
    base = {"kind": ExemptionKind.DAY_PERMIT, "valid_from": None}
    with pytest.raises(InvalidExemption, match=message):
        issue("ex-1", terms(**(base | overrides)), POLICY)


def test_amend_changes_only_what_is_given_and_checks_the_result() -> None:
    permit = issue("ex-1", terms(), POLICY)
    amended = amend(permit, {"valid_until": None, "reference": "VERG-2", "zones": ("binnenstad",)}, POLICY)
    assert amended.valid_until is None
    assert amended.reference == "VERG-2"
    assert amended.zones == ("binnenstad",)
    assert (amended.plate, amended.valid_from, amended.regimes) == (permit.plate, permit.valid_from, permit.regimes)
    with pytest.raises(InvalidExemption, match="must be after valid_from"):
        amend(permit, {"valid_until": FROM - timedelta(days=1)}, POLICY)
    with pytest.raises(InvalidExemption, match="go together"):
        amend(permit, {"daily_from": time(7)}, POLICY)


def test_amend_cannot_change_plate_or_kind() -> None:
    with pytest.raises(InvalidExemption, match="cannot change kind, plate"):
        amend(issue("ex-1", terms(), POLICY), {"plate": "99ZZZ9", "kind": ExemptionKind.NATIONAL}, POLICY)


def test_amending_a_day_permit_moves_its_validity_with_its_day() -> None:
    permit = a_day_permit(date(2026, 5, 1))
    moved = amend(permit, {"day": date(2026, 5, 2)}, POLICY)
    assert moved.valid_from == permit.valid_from + timedelta(days=1)
    assert permit.valid_until is not None
    assert moved.valid_until == permit.valid_until + timedelta(days=1)
    with pytest.raises(InvalidExemption, match="takes only day"):
        amend(permit, {"valid_until": FROM}, POLICY)


def test_amended_day_permit_keeps_its_municipality() -> None:
    permit = a_day_permit(date(2026, 5, 1))
    other_policy = DayPermitPolicy("zandvoort", 12)
    assert amend(permit, {"reference": "x"}, other_policy).municipality == "haarlem"


@pytest.mark.parametrize(("given", "plate"), [("63-hk-hd", "63HKHD"), (" 63 HK HD ", "63HKHD"), ("VX123B", "VX123B")])
def test_plates_are_normalised(given: str, plate: str) -> None:
    assert normalise_plate(given) == plate


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("", "empty"),
        ("--", "empty"),
        ("63_HK_HD", "only letters A-Z and digits"),
        ("ÉÉ12", "only letters"),
        ("A" * 17, "longer than 16"),
    ],
)
def test_bad_plates_are_refused_with_the_reason(given: str, message: str) -> None:
    with pytest.raises(InvalidExemption, match=message):
        normalise_plate(given)


def test_offsets_other_than_utc_are_fine() -> None:
    plus_two = timezone(timedelta(hours=2))
    permit = issue("ex-1", terms(valid_from=datetime(2026, 5, 1, tzinfo=plus_two)), POLICY)
    assert permit.valid_from == datetime(2026, 4, 30, 22, tzinfo=UTC)
    assert permit.valid_from.tzinfo is UTC
