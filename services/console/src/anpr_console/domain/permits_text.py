"""How the permit desk's pages write permits' dates and audited values: day first, Amsterdam time."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def day_text(value: object, *, last: bool = False) -> str:
    """A date or instant as the desk reads it; `last` turns an exclusive end (the API's valid_until) into
    the last day included, as the form asks for it."""
    found = local_date(value)
    if found is None:
        return str(value or "")
    return (found - timedelta(days=1) if last else found).strftime("%d-%m-%Y")


def is_day(value: object) -> bool:
    """A calendar day as the APIs write it (2026-12-07), not an instant."""
    return isinstance(value, str) and _DAY.match(value) is not None


def local_date(value: object) -> date | None:
    if not value:
        return None
    text = str(value)
    try:
        if _DAY.match(text):
            return date.fromisoformat(text)
        return datetime.fromisoformat(text).astimezone(AMSTERDAM).date()
    except ValueError:
        return None


def audit_value(value: object) -> str:
    """One field's value in an audit entry's before/after snapshot."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "—"
    text = str(value)
    if "T" in text and local_date(text) is not None:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is not None:
            return moment.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")
    if _DAY.match(text):
        return day_text(text)
    return text
