"""The supervisor's pure pieces: forms (period, audit filters, month) and the statistics tables."""

from datetime import date

import pytest

from anpr_console.domain.review import FormProblem
from anpr_console.domain.supervisor import parse_audit_filters, parse_month, parse_period
from anpr_console.domain.supervisor_stats import age_text, by_field, by_hour_of_day, stats_tables, throughput

TODAY = date(2026, 3, 20)


def test_an_empty_period_is_the_last_seven_days_in_amsterdam_time() -> None:
    period = parse_period({}, TODAY)
    assert (period.first, period.last) == (date(2026, 3, 14), TODAY)
    assert period.params() == {"since": "2026-03-14T00:00:00+01:00", "until": "2026-03-21T00:00:00+01:00"}


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"since": "14-03-2026"}, "since", "supervisor.form.bad_date"),
        ({"until": "morgen"}, "until", "supervisor.form.bad_date"),
        ({"since": "2026-03-10", "until": "2026-03-01"}, "since", "supervisor.form.since_after_until"),
        ({"since": "2025-01-01", "until": "2026-03-01"}, "since", "supervisor.form.period_too_long"),
    ],
)
def test_bad_periods_name_their_field(form: dict[str, str], field: str, message: str) -> None:
    with pytest.raises(FormProblem) as problem:
        parse_period(form, TODAY)
    assert (problem.value.field, problem.value.message) == (field, message)


def test_audit_filters_become_the_apis_parameters() -> None:
    found = parse_audit_filters({"actor": " sub-1 ", "since": "2026-03-29", "until": "2026-03-29", "limit": "50"})
    assert found.api_params() == {
        "limit": 50,
        "actor": "sub-1",
        "since": "2026-03-29T00:00:00+01:00",
        "until": "2026-03-30T00:00:00+02:00",  # the clocks go forward that night
    }
    for bad in ({"limit": "7"}, {"limit": "x"}, {"actor": "a" * 201}, {"subject": "a\x00b"}):
        with pytest.raises(FormProblem):
            parse_audit_filters(bad)


def test_months() -> None:
    assert parse_month({"month": "2026-03"}, TODAY) == "2026-03"
    for bad in ("2026-04", "2026-3", "maart", "", "\u0662\u0660\u0662\u0666-\u0660\u0661"):
        with pytest.raises(FormProblem):
            parse_month({"month": bad}, TODAY)


PER_HOUR = [
    {"regime_id": "a", "location_id": "l1", "hour": "2026-03-02T10:00:00+00:00", "reads_judged": 10, "candidates": 2,
     "accepted": 1, "rejected": {"misread": 1}},
    {"regime_id": "b", "location_id": "", "hour": "2026-03-02T23:00:00+00:00", "reads_judged": 5, "candidates": 4,
     "accepted": 0, "rejected": {}},
    {"regime_id": "a", "location_id": "l1", "hour": "2026-03-03T10:00:00+00:00", "reads_judged": 1, "candidates": 1,
     "accepted": 1, "rejected": {"other": 2}},
]  # fmt: skip


def test_totals_per_regime_and_location_busiest_first() -> None:
    assert by_field(PER_HOUR, "regime_id", "regimes", "?").rows == [("b", [5, 4, 0, 0]), ("a", [11, 3, 2, 3])]
    assert [label for label, _ in by_field(PER_HOUR, "location_id", "locations", "?").rows] == ["?", "l1"]


def test_hours_of_the_day_are_local_and_all_24() -> None:
    table = by_hour_of_day(PER_HOUR)
    assert len(table.rows) == 24
    assert dict(table.rows)["11:00"] == [11, 3, 2, 3]
    assert dict(table.rows)["00:00"] == [5, 4, 0, 0]  # 23:00 UTC is past midnight in Amsterdam
    assert by_hour_of_day([]).empty


def test_throughput_by_name_and_the_backlog_age() -> None:
    rows = [{"reviewer": "s1", "decisions": 2}, {"reviewer": "s2", "decisions": 5}, {"reviewer": "s1", "decisions": 4}]
    assert throughput(rows, {"s1": "Renske de Vries"}).rows == [("Renske de Vries", [6]), ("s2", [5])]
    assert age_text(90061) == (1, 1, 1)
    assert age_text(None) is None
    tables = stats_tables({"per_hour": PER_HOUR, "reviewers": rows, "backlog": {"pending": 3}}, {}, "?")
    assert [t.key for t in tables] == ["regimes", "locations", "hours", "reviewers", "backlog"]
    assert tables[-1].rows[0] == ("supervisor.stats.backlog.pending", [3])
    # Without rules' counters the reads column goes: zeros would say nothing was judged.
    assert tables[0].columns == ("candidates", "accepted", "rejected")
    assert tables[0].rows[0] == ("b", [4, 0, 0])
    counted = stats_tables({"per_hour": PER_HOUR, "sources": {"rules_outcome_counts": "ok"}}, {}, "?")
    assert counted[0].columns[0] == "reads_judged"
