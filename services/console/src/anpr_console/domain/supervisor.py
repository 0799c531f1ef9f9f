"""The supervisor's forms: a period of days, the audit filters and a month, checked before they reach
notices (which checks them again). Days are Amsterdam days: what a supervisor means by "3 March"."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from anpr_console.domain.review import FormProblem

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MAX_STATS_DAYS = 92  # notices refuses a longer statistics window
DEFAULT_STATS_DAYS = 7
AUDIT_LIMITS = (50, 100, 500, 1000)
MAX_TEXT = 200
_MONTH = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")  # not \d: it matches any script's digits


@dataclass(frozen=True)
class Period:
    """From the start of `first` to the end of `last` (both included), Amsterdam time."""

    first: date
    last: date

    @property
    def since(self) -> datetime:
        return datetime.combine(self.first, time(), AMSTERDAM)

    @property
    def until(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), AMSTERDAM)

    def params(self) -> dict[str, str]:
        return {"since": self.since.isoformat(), "until": self.until.isoformat()}


def _day(form: Mapping[str, str], field: str) -> date | None:
    text = form.get(field, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise FormProblem(field, "supervisor.form.bad_date") from None


def parse_period(form: Mapping[str, str], today: date, *, max_days: int | None = MAX_STATS_DAYS) -> Period:
    """Empty fields: the last DEFAULT_STATS_DAYS days up to today."""
    last = _day(form, "until") or today
    first = _day(form, "since") or last - timedelta(days=DEFAULT_STATS_DAYS - 1)
    if first > last:
        raise FormProblem("since", "supervisor.form.since_after_until")
    if max_days is not None and (last - first).days + 1 > max_days:
        raise FormProblem("since", "supervisor.form.period_too_long")
    return Period(first, last)


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    subject: str = ""
    since: date | None = None
    until: date | None = None
    limit: int = 100

    def api_params(self) -> dict[str, str | int]:
        found: dict[str, str | int] = {"limit": self.limit}
        if self.actor:
            found["actor"] = self.actor
        if self.subject:
            found["subject"] = self.subject
        if self.since:
            found["since"] = datetime.combine(self.since, time(), AMSTERDAM).isoformat()
        if self.until:
            found["until"] = datetime.combine(self.until + timedelta(days=1), time(), AMSTERDAM).isoformat()
        return found


def _text(form: Mapping[str, str], field: str) -> str:
    value = form.get(field, "").strip()
    if len(value) > MAX_TEXT:
        raise FormProblem(field, "supervisor.form.too_long")
    if any(ord(ch) < 32 for ch in value):
        raise FormProblem(field, "supervisor.form.bad_text")
    return value


def parse_audit_filters(form: Mapping[str, str]) -> AuditFilters:
    actor, subject = _text(form, "actor"), _text(form, "subject")
    since, until = _day(form, "since"), _day(form, "until")
    if since and until and since > until:
        raise FormProblem("since", "supervisor.form.since_after_until")
    try:
        limit = int(form.get("limit", "") or 100)
    except ValueError:
        raise FormProblem("limit", "supervisor.form.bad_limit") from None
    if limit not in AUDIT_LIMITS:
        raise FormProblem("limit", "supervisor.form.bad_limit")
    return AuditFilters(actor, subject, since, until, limit)


def parse_month(form: Mapping[str, str], today: date) -> str:
    month = form.get("month", "").strip()
    if not _MONTH.match(month):
        raise FormProblem("month", "supervisor.form.bad_month")
    if month > today.strftime("%Y-%m"):
        raise FormProblem("month", "supervisor.form.future_month")
    return month
