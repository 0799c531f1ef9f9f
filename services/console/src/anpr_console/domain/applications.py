"""The permit desk's application queue: the filters, and the decision forms checked and turned into the
body of exemptions' POST /v1/applications/{id}/decision before anything is sent (exemptions checks again).
A bad field raises FormProblem with the field's name and a message key, so the page keeps what was typed
and marks that field.

The desk grants "from 1 March up to and including 31 March"; the API's valid_until is exclusive, so the
last day typed becomes 00:00 Amsterdam time the day after (as on the permits screen)."""

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from anpr_console.domain.review import FormProblem

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
STATUSES = ("submitted", "needs_information", "granted", "refused", "withdrawn")
OPEN = ("submitted", "needs_information")
KINDS = ("resident", "business", "disabled", "works", "day-permit")
DEFAULT_STATUS = "submitted"  # what waits for the desk
MAX_REASON = 2000
# Years a grant may name: a typo such as 0202 or 20266 is a wrong date, not a permit for centuries.
FIRST_YEAR, LAST_YEAR = 2000, 2100
_SCOPE = re.compile(r"^[^\s|,;\x00-\x1f]{1,100}$")
# What exemptions refuses in free text (application_form.plain_text): said here first, in the desk's words.
_MARKUP = re.compile(r"[<>{}\\`]|javascript:|&#", re.IGNORECASE)


@dataclass(frozen=True)
class QueueFilter:
    status: str = DEFAULT_STATUS  # "" = every status
    kind: str = ""  # "" = every kind

    def params(self) -> dict[str, str]:
        return {name: value for name, value in (("status", self.status), ("kind", self.kind)) if value}


def parse_filter(args: Mapping[str, str]) -> QueueFilter:
    status = args.get("status", DEFAULT_STATUS).strip()
    if status not in ("", *STATUSES):
        raise FormProblem("status", "applications.form.status_unknown")
    kind = args.get("kind", "").strip()
    if kind not in ("", *KINDS):
        raise FormProblem("kind", "applications.form.kind_unknown")
    return QueueFilter(status, kind)


def application_id(text: str) -> str | None:
    """The canonical id, or None for anything that is not a UUID (a guessed or mangled link)."""
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


def parse_grant(form: Mapping[str, str]) -> dict[str, Any]:
    start = _date("valid_from", form.get("valid_from", ""), required=True)
    last = _date("valid_until", form.get("valid_until", ""), required=False)
    if start is None:  # for mypy: required=True raised already
        raise FormProblem("valid_from", "applications.form.date_required")
    if last is not None and last < start:
        raise FormProblem("valid_until", "applications.form.until_before_from")
    return {
        "decision": "grant",
        "valid_from": _midnight(start),
        "valid_until": _midnight(last + timedelta(days=1)) if last else None,
        "regimes": _scopes("regimes", form.get("regimes", "")),
        "zones": _scopes("zones", form.get("zones", "")),
    }


def parse_refusal(form: Mapping[str, str]) -> dict[str, Any]:
    return {"decision": "refuse", "reason": _reason("reason", form.get("reason", ""))}


def parse_question(form: Mapping[str, str]) -> dict[str, Any]:
    return {"decision": "needs_information", "reason": _reason("question", form.get("question", ""))}


def grant_defaults(today: date) -> dict[str, str]:
    """What the grant form shows before anything is typed: from today, open-ended, everywhere."""
    return {"valid_from": today.isoformat(), "valid_until": "", "regimes": "", "zones": ""}


def _reason(field: str, text: str) -> str:
    """Shown to the applicant in a mail-linked page: plain text only, as exemptions requires."""
    cleaned = text.strip()
    if not cleaned:
        raise FormProblem(field, "applications.form.reason_required")
    if len(cleaned) > MAX_REASON:
        raise FormProblem(field, "applications.form.reason_too_long")
    if _MARKUP.search(cleaned) or any(ord(c) < 32 and c not in "\n\r\t" for c in cleaned):
        raise FormProblem(field, "applications.form.plain_text")
    return cleaned.replace("\r\n", "\n")


def _date(field: str, text: str, *, required: bool) -> date | None:
    text = text.strip()
    if not text:
        if required:
            raise FormProblem(field, "applications.form.date_required")
        return None
    try:
        found = date.fromisoformat(text)
    except ValueError:
        raise FormProblem(field, "applications.form.date_invalid") from None
    if not (FIRST_YEAR <= found.year <= LAST_YEAR) or len(text) != 10:
        raise FormProblem(field, "applications.form.date_invalid")
    return found


def _midnight(day: date) -> str:
    return datetime.combine(day, time(0), AMSTERDAM).isoformat()


def _scopes(field: str, text: str) -> list[str]:
    """`a, b` or one per line: empty means every regime or zone."""
    found = [part for part in re.split(r"[\s,;|]+", text.strip()) if part]
    if len(found) > 50 or any(not _SCOPE.match(part) or _MARKUP.search(part) for part in found):
        raise FormProblem(field, "applications.form.scope_invalid")
    return list(dict.fromkeys(found))


def refused_field(detail: str, posted: str, fields: tuple[str, ...]) -> str:
    """Which field of the posted form exemptions' 422 is about (`valid_from: ...`); its `reason` is the
    posted form's own text field (the question is sent as the reason). Else the form as a whole."""
    named = detail.split(":", 1)[0].strip() if ":" in detail else ""
    if named == "reason" and posted in ("reason", "question"):
        return posted
    return named if named in fields else posted
