"""The operations screen's pure rules: health at a glance, the move form, the location form, and the
rotation plan (its file, the steps approval writes, and which of them are already done)."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from anpr_console.domain.operations import TAKE_DOWN, MoveForm, move_already_done, parse_move, summarise_health
from anpr_console.domain.operations_locations import parse_amendment, parse_new_location
from anpr_console.domain.operations_rotation import (
    MAX_PLAN_BYTES,
    RotationPlan,
    Step,
    parse_plan,
    plan_steps,
    step_done,
    uploaded_plan,
)
from anpr_console.domain.review import FormProblem
from anpr_console.domain.uploads import parse_multipart

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def test_a_camera_without_frames_for_fifteen_minutes_is_stale() -> None:
    fresh = summarise_health({"last_frame_at": (NOW - timedelta(minutes=14)).isoformat()}, NOW)
    stale = summarise_health({"last_frame_at": (NOW - timedelta(minutes=15)).isoformat()}, NOW)
    never = summarise_health({"last_frame_at": None, "rejected_24h": {"too_old": 2, "duplicate": 0}}, NOW)
    assert fresh is not None
    assert not fresh.stale
    assert stale is not None
    assert stale.stale
    assert never is not None
    assert never.stale
    assert never.age_minutes is None
    assert never.refusals == {"too_old": 2}
    assert never.refused_24h == 2
    assert summarise_health(None, NOW) is None


def test_the_move_form_reads_local_time_and_knows_its_locations() -> None:
    move = parse_move({"location_id": "loc-b", "valid_from": "2026-07-01T08:00"}, ["loc-a", "loc-b"])
    assert move.moment == datetime(2026, 7, 1, 6, 0, tzinfo=UTC)  # summer time: UTC+2
    assert parse_move({"location_id": TAKE_DOWN, "valid_from": "2026-07-01T08:00"}, []).location_id is None
    for form, field in (
        ({"location_id": "", "valid_from": "2026-07-01T08:00"}, "location_id"),
        ({"location_id": "loc-x", "valid_from": "2026-07-01T08:00"}, "location_id"),
        ({"location_id": "loc-a", "valid_from": ""}, "valid_from"),
        ({"location_id": "loc-a", "valid_from": "1. juli"}, "valid_from"),
        ({"location_id": "loc-a", "valid_from": "2300-01-01T00:00"}, "valid_from"),
    ):
        with pytest.raises(FormProblem) as problem:
            parse_move(form, ["loc-a"])
        assert problem.value.field == field


def test_a_move_is_already_done_only_when_the_last_placement_is_exactly_it() -> None:
    at = datetime(2026, 12, 7, 7, 0, tzinfo=UTC)
    history = [{"location_id": "loc-b", "valid_from": "2026-12-07T07:00:00Z", "valid_until": None}]
    assert move_already_done(history, MoveForm("loc-b", at))
    assert not move_already_done(history, MoveForm("loc-a", at))
    assert not move_already_done(history, MoveForm("loc-b", at + timedelta(hours=1)))
    assert not move_already_done([], MoveForm("loc-b", at))
    ended = [{**history[0], "valid_until": "2026-12-08T07:00:00Z"}]
    assert move_already_done(ended, MoveForm(None, at + timedelta(days=1)))


def test_a_new_location_is_checked_field_by_field() -> None:
    good = {"location_id": "loc-c", "name": "Kade", "regimes": "a, b a", "zone_id": "centrum", "direction": "exit"}
    assert parse_new_location({**good, "sign": "C22a"}).body == {
        "location_id": "loc-c",
        "name": "Kade",
        "regimes": ["a", "b"],
        "zone_id": "centrum",
        "direction": "exit",
        "sign": "C22a",
        "consent_reference": None,
    }
    for change, field in (
        ({"location_id": "loc c"}, "location_id"),
        ({"name": ""}, "name"),
        ({"regimes": "a; b"}, "regimes"),
        ({"zone_id": "", "direction": "entry"}, "zone_id"),
        ({"direction": "sideways"}, "direction"),
        ({"sign": "c7"}, "sign"),
        ({"consent_reference": "x" * 201}, "consent_reference"),
    ):
        with pytest.raises(FormProblem) as problem:
            parse_new_location({**good, **change})
        assert problem.value.field == field


def test_an_amendment_sends_the_three_amendable_fields_and_clears_empty_ones() -> None:
    body = parse_amendment({"name": "ignored", "regimes": "", "sign": "", "consent_reference": " OM-1 "}).body
    assert body == {"regimes": [], "sign": None, "consent_reference": "OM-1"}


DAYS = ["2026-12-14", "2026-12-15", "2026-12-16", "2026-12-17"]


def test_a_plan_file_from_plan_rotation_is_read_and_bad_ones_are_explained() -> None:
    plan = parse_plan(json.dumps({"status": "optimal", "days": DAYS, "cameras": {"r1": ["a", "a", None, "b"]}}))
    assert plan.days[0] == date(2026, 12, 14)
    assert plan.locations() == ["a", "b"]
    assert parse_plan(plan.compact()) == plan
    for raw, message in (
        (b"\xff", "ops.plan.not_json"),
        ("[]", "ops.plan.not_a_plan"),
        (json.dumps({"days": DAYS, "cameras": {}}), "ops.plan.not_a_plan"),
        (json.dumps({"days": ["2026-12-15", "2026-12-14"], "cameras": {"r1": ["a", "a"]}}), "ops.plan.bad_day"),
        (json.dumps({"days": DAYS, "cameras": {"r1": ["a"]}}), "ops.plan.bad_camera"),
        (json.dumps({"days": DAYS, "cameras": {"r 1": ["a"] * 4}}), "ops.plan.bad_camera"),
        (json.dumps({"days": DAYS, "cameras": {"r1": ["a", 3, "a", "a"]}}), "ops.plan.bad_camera"),
    ):
        with pytest.raises(FormProblem) as problem:
            parse_plan(raw)
        assert problem.value.message == message


def test_plan_steps_are_the_clis_changes_at_local_midnight_from_where_the_camera_stands() -> None:
    plan = RotationPlan(tuple(date.fromisoformat(d) for d in DAYS), {"r1": ("a", "a", None, "b")})
    standing = [{"location_id": "a", "valid_from": "2026-12-01T00:00:00Z", "valid_until": None}]
    midnight = datetime(2026, 12, 15, 23, 0, tzinfo=UTC)  # 16 December 00:00 in Amsterdam
    assert plan_steps(plan, "r1", standing) == [
        Step("r1", None, midnight),
        Step("r1", "b", midnight + timedelta(days=1)),
    ]
    elsewhere = [{**standing[0], "location_id": "z"}]
    assert plan_steps(plan, "r1", elsewhere)[0] == Step("r1", "a", datetime(2026, 12, 13, 23, 0, tzinfo=UTC))
    assert len(plan_steps(plan, "r1", [])) == 3  # placed nowhere before: a, off, b


def test_a_step_is_done_when_the_history_holds_it() -> None:
    at = datetime(2026, 12, 15, 23, 0, tzinfo=UTC)
    history = [{"location_id": "a", "valid_from": "2026-12-01T00:00:00Z", "valid_until": "2026-12-15T23:00:00Z"}]
    assert step_done(history, Step("r1", None, at))
    assert not step_done(history, Step("r1", "b", at))
    assert step_done(history, Step("r1", "a", datetime(2026, 12, 1, tzinfo=UTC)))


def test_the_upload_takes_the_file_else_the_pasted_text() -> None:
    boundary = "XyZ"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\ntok\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="plan_file"; filename="plan.json"\r\n'
        f"Content-Type: application/json\r\n\r\n{{}}\r\n--{boundary}--\r\n"
    ).encode()
    sent = parse_multipart(f"multipart/form-data; boundary={boundary}", body, MAX_PLAN_BYTES)
    assert sent.fields("plan_file") == {"csrf_token": "tok"}
    assert uploaded_plan(sent) == b"{}"
    pasted = body.replace(b"{}", b"").replace(b'name="csrf_token"', b'name="plan_text"')
    assert uploaded_plan(parse_multipart(f"multipart/form-data; boundary={boundary}", pasted, MAX_PLAN_BYTES)) == b"tok"
    empty = body.replace(b"{}", b"")
    with pytest.raises(FormProblem) as problem:
        uploaded_plan(parse_multipart(f"multipart/form-data; boundary={boundary}", empty, MAX_PLAN_BYTES))
    assert problem.value.message == "ops.plan.no_file"
