"""The pilot screen's pure parts: regimes as a planner reads them, periods, the forecast form, the upload
parser and the report's figures from notices' stats."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from anpr_console.domain.pilot import LOCAL, PilotProblem, default_period, parse_period, regime_rows
from anpr_console.domain.pilot_forecast import (
    measured_review,
    parse_forecast,
    parse_regime_file,
)
from anpr_console.domain.pilot_report import camera_rows, report_figures
from anpr_console.domain.uploads import parse_multipart

ROOT = Path(__file__).resolve().parents[4]
BLAUW = (ROOT / "deploy" / "pilot" / "milieuzone-blauw.yaml").read_bytes()
NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def _regime(**overrides: object) -> dict[str, object]:
    return {
        "id": "mz",
        "version": "3",
        "name": "Milieuzone",
        "kind": "milieuzone",
        "applies_at": {"locations": ["loc-a"], "zones": ["centrum"]},
        "effective_from": "2026-01-01T00:00:00+01:00",
        "effective_until": None,
        "modes": [
            {"starts": "2026-09-01T00:00:00+02:00", "mode": "enforce"},
            {"starts": "2026-01-01T00:00:00+01:00", "mode": "observe"},
            {"starts": "2026-03-01T00:00:00+01:00", "mode": "warn"},
        ],
    } | overrides


def test_the_current_mode_is_the_last_switch_before_now_and_the_next_one_lies_ahead() -> None:
    [row] = regime_rows([_regime()], NOW)
    assert row.current_mode == "warn"
    assert row.next_switch is not None
    assert row.next_switch.mode == "enforce"
    assert row.next_switch.starts == datetime(2026, 9, 1, tzinfo=LOCAL)
    assert [s.mode for s in row.switches] == ["observe", "warn", "enforce"]  # in time order, as given or not
    assert row.zones == ("centrum",)
    assert row.locations == ("loc-a",)


def test_a_regime_whose_first_switch_lies_ahead_has_no_mode_yet_and_the_last_switch_has_no_next() -> None:
    later = _regime(id="later", modes=[{"starts": "2027-01-01T00:00:00+01:00", "mode": "observe"}])
    done = _regime(id="done", modes=[{"starts": "2025-01-01T00:00:00+01:00", "mode": "enforce"}])
    rows = {row.id: row for row in regime_rows([later, done], NOW)}
    assert rows["later"].current_mode is None
    assert rows["later"].next_switch is not None
    assert rows["done"].current_mode == "enforce"
    assert rows["done"].next_switch is None


def test_a_period_is_whole_local_days_with_the_last_day_included() -> None:
    period = parse_period({"from": "2026-03-28", "to": "2026-03-29"}, 31)
    assert period.since == datetime(2026, 3, 28, tzinfo=LOCAL)
    assert period.until == datetime(2026, 3, 30, tzinfo=LOCAL)  # exclusive, across the switch to summer time
    assert period.days == 2
    assert default_period(date(2026, 6, 8), 7).params() == {"from": "2026-06-01", "to": "2026-06-07"}


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"from": "", "to": "2026-01-02"}, "from", "pilot.form.date_required"),
        ({"from": "1-2-2026", "to": "2026-01-02"}, "from", "pilot.form.date_invalid"),
        ({"from": "2026-01-05", "to": "2026-01-02"}, "to", "pilot.form.to_before_from"),
        ({"from": "2026-01-01", "to": "2026-12-31"}, "to", "pilot.form.period_too_long"),
    ],
)
def test_a_bad_period_names_its_field(form: dict[str, str], field: str, message: str) -> None:
    with pytest.raises(PilotProblem) as raised:
        parse_period(form, 92)
    assert (raised.value.field, raised.value.message) == (field, message)


def test_the_proposal_in_the_repository_parses_and_becomes_rules_forecast_body() -> None:
    fields = {"from": "2026-05-01", "to": "2026-05-07", "baseline": "milieuzone-centrum", "decisions_per_hour": "37,5"}
    form = parse_forecast(fields, {"regime_file": BLAUW})
    assert form.regime["id"] == "milieuzone-blauw"
    assert form.decisions_per_hour == 37.5
    body = form.body(37.5, 0.8, {"loc-a": "centrum"})
    assert body["baseline_regime_id"] == "milieuzone-centrum"
    assert body["since"] == "2026-05-01T00:00:00+02:00"
    assert body["until"] == "2026-05-08T00:00:00+02:00"
    assert body["zones"] == {"loc-a": "centrum"}
    assert body["acceptance"] == 0.8


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "pilot.form.file_required"),
        (b"id: [unclosed\nkind: x\n", "pilot.form.yaml_invalid"),
        (b"- just\n- a list\n", "pilot.form.yaml_not_mapping"),
        (b"\xff\xfe\x00", "pilot.form.file_not_text"),
        (b"a: b\n" * 60_000, "pilot.form.file_too_large"),
    ],
)
def test_a_bad_regime_file_is_a_problem_of_the_file_field(content: bytes, message: str) -> None:
    with pytest.raises(PilotProblem) as raised:
        parse_regime_file(content)
    assert (raised.value.field, raised.value.message) == ("regime_file", message)


def test_broken_yaml_says_where_it_broke() -> None:
    with pytest.raises(PilotProblem) as raised:
        parse_regime_file(b"id: x\nmodes: [unclosed\n")
    line, rest = raised.value.detail.split(":", 1)
    assert line == "3"  # the stream ended inside the list opened on line 2
    assert "expected" in rest
    assert "unicode string" not in rest  # PyYAML's name for its buffer means nothing to a planner


@pytest.mark.parametrize(
    ("fields", "field"),
    [({"baseline": "Not An Id!"}, "baseline"), ({"decisions_per_hour": "veel"}, "decisions_per_hour")],
)
def test_bad_optional_fields_are_marked(fields: dict[str, str], field: str) -> None:
    with pytest.raises(PilotProblem) as raised:
        parse_forecast({"from": "2026-05-01", "to": "2026-05-02", **fields}, {"regime_file": BLAUW})
    assert raised.value.field == field


def test_a_multipart_form_gives_its_fields_and_its_file_byte_for_byte() -> None:
    boundary = "----pilot42"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="from"\r\n\r\n2026-05-01\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="regime_file"; filename="b.yaml"\r\n'
            f"Content-Type: application/yaml\r\n\r\n"
        ).encode()
        + BLAUW
        + f"\r\n--{boundary}--\r\n".encode()
    )
    sent = parse_multipart(f"multipart/form-data; boundary={boundary}", body, 1_000_000)
    assert sent.fields() == {"from": "2026-05-01"}
    assert sent.files()["regime_file"] == BLAUW


def test_review_throughput_is_measured_as_anpr_forecast_measures_it() -> None:
    stats = {
        "reviewers": [{"decisions": 30}, {"decisions": 50}],
        "per_hour": [{"accepted": 6, "rejected": {"misread": 2}}, {"accepted": 2, "rejected": {}}],
    }
    assert measured_review(stats) == (40.0, 0.8)
    assert measured_review({"reviewers": [], "per_hour": []}) == (None, 1.0)


def test_the_report_counts_each_read_once_per_location_and_hits_per_local_hour() -> None:
    hour = "2026-05-01T10:00:00+00:00"  # 12:00 in Amsterdam
    stats = {
        "per_hour": [
            {
                "regime_id": "mz",
                "location_id": "loc-a",
                "hour": hour,
                "reads_judged": 100,
                "outcomes": {"no_hit": 90, "candidate": 7, "exempt": 3},
                "candidates": 7,
                "accepted": 4,
                "rejected": {"misread": 1},
            },
            {
                "regime_id": "ze",
                "location_id": "loc-a",
                "hour": hour,
                "reads_judged": 100,
                "outcomes": {"no_hit": 98, "observed": 2},
                "candidates": 0,
                "accepted": 0,
                "rejected": {},
            },
        ],
        "reviewers": [{"reviewer": "sub-1", "hour": hour, "decisions": 5}],
        "backlog": {"pending": 2, "awaiting_second_review": 0, "oldest_pending_age_seconds": 7200},
        "sources": {"rules_outcome_counts": "ok"},
    }
    figures = report_figures(stats)
    assert figures.reads_per_location == {"loc-a": 100}  # two regimes judged the same 100 reads
    assert figures.hits_per_location == {"loc-a": {"mz": 7, "ze": 2}}
    assert figures.hits_per_hour[12] == 9
    assert sum(figures.hits_per_hour) == 9
    assert figures.decided == 5
    assert figures.misread_rate == pytest.approx(0.2)
    assert figures.decisions_per_reviewer_hour == 5.0
    assert figures.outcomes == ["candidate", "exempt", "no_hit", "observed"]
    assert figures.notes == []


def test_the_report_says_when_rules_counts_were_unavailable() -> None:
    figures = report_figures(
        {"per_hour": [], "reviewers": [], "backlog": {}, "sources": {"rules_outcome_counts": "unavailable"}}
    )
    assert figures.notes == ["pilot.report.rules_unavailable"]
    assert figures.misread_rate is None
    assert figures.decisions_per_reviewer_hour is None


def test_a_camera_counts_the_reads_of_where_it_stood_while_it_stood_there() -> None:
    hour = datetime(2026, 5, 1, 10, tzinfo=UTC)
    reads_at = {("loc-a", hour): 10, ("loc-a", hour + timedelta(hours=5)): 7, ("loc-b", hour + timedelta(hours=6)): 3}
    moved = hour + timedelta(hours=4)  # from loc-a to loc-b between the two loc-a hours
    placements = {
        "cam-rot": [
            {"location_id": "loc-a", "valid_from": "2026-04-01T00:00:00+00:00", "valid_until": moved.isoformat()},
            {"location_id": "loc-b", "valid_from": moved.isoformat(), "valid_until": None},
        ],
        "cam-gone": [
            {
                "location_id": "loc-a",
                "valid_from": "2025-01-01T00:00:00+00:00",
                "valid_until": "2025-02-01T00:00:00+00:00",
            }
        ],
    }
    cameras = [{"camera_id": "cam-rot", "kind": "rotating"}, {"camera_id": "cam-gone", "kind": "fixed"}]
    [row] = camera_rows(cameras, placements, reads_at, hour - timedelta(days=1), hour + timedelta(days=1))
    assert row.camera_id == "cam-rot"
    assert row.locations == ("loc-a", "loc-b")
    assert row.reads == 10 + 3  # loc-a's later hour came after the camera had left
