"""The permit desk's forms: what a person may type, checked and turned into exemptions' request bodies
before anything is sent (exemptions checks everything again). A bad field raises FormProblem with the
field's name and a message key, so the page can keep what was typed and mark that one field.

Dates are what the desk works with: "valid from 1 March up to and including 31 March". The API's
valid_until is exclusive, so the last day typed becomes 00:00 Amsterdam time the day after."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from anpr_console.domain.permits_text import local_date
from anpr_console.domain.review import FormProblem, normalised_plate

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
KINDS = ("resident", "business", "works", "market", "disabled", "day-permit", "national")
DAY_PERMIT = "day-permit"
MAX_PLATE = 16
MAX_TEXT = 200
MAX_IMPORT_BYTES = 5_000_000  # exemptions' own default limit for an import
# The fields of the create/change form, in their order on the page.
FIELDS = ("plate", "kind", "regimes", "zones", "valid_from", "valid_until", "daily_from", "daily_until", "day")
_SCOPE = re.compile(r"^[^\s|,;\x00-\x1f]{1,100}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


@dataclass(frozen=True)
class SearchForm:
    plate: str = ""
    kind: str = ""
    regime: str = ""

    def query(self) -> dict[str, str]:
        """For links back to these results; empty fields left out."""
        return {name: value for name, value in vars(self).items() if value}

    @property
    def empty(self) -> bool:
        return not (self.plate or self.kind or self.regime)


def parse_search(args: Mapping[str, str]) -> SearchForm:
    plate = _plate(args.get("plate", ""), required=False)
    kind = args.get("kind", "").strip()
    if kind and kind not in KINDS:
        raise FormProblem("kind", "permits.form.kind_unknown")
    regime = args.get("regime", "").strip()
    if regime and not _SCOPE.match(regime):
        raise FormProblem("regime", "permits.form.scope_invalid")
    return SearchForm(plate, kind, regime)


def parse_new(form: Mapping[str, str], issuer: str) -> dict[str, Any]:
    """The body of POST /v1/exemptions."""
    kind = form.get("kind", "")
    if kind not in KINDS:
        raise FormProblem("kind", "permits.form.kind_unknown")
    body: dict[str, Any] = {"plate": _plate(form.get("plate", ""), required=True), "kind": kind}
    body |= _terms(form, kind, changing=None)
    body["issuer"] = issuer[:MAX_TEXT] or "permit desk"
    return body


def parse_change(form: Mapping[str, str], current: Mapping[str, Any]) -> dict[str, Any]:
    """The body of PATCH /v1/exemptions/{id}: only the fields that differ from the permit as it is, so a
    second submit of the same form changes nothing (and leaves no empty audit entry)."""
    before = form_values(current)
    return _terms(form, str(current.get("kind", "")), changing=before)


def _terms(form: Mapping[str, str], kind: str, changing: Mapping[str, str] | None) -> dict[str, Any]:
    def wanted(name: str) -> bool:  # on a change, only what the person altered
        return changing is None or form.get(name, "").strip() != changing.get(name, "")

    body: dict[str, Any] = {}
    for name in ("regimes", "zones"):
        if wanted(name):
            body[name] = _scopes(name, form.get(name, ""))
    if kind == DAY_PERMIT:
        if wanted("day"):
            body["day"] = _required_date("day", form.get("day", "")).isoformat()
    else:
        start = _required_date("valid_from", form.get("valid_from", ""))
        last = _date("valid_until", form.get("valid_until", ""), required=False)
        if last is not None and last < start:
            raise FormProblem("valid_until", "permits.form.until_before_from")
        if wanted("valid_from"):
            body["valid_from"] = _midnight(start)
        if wanted("valid_until"):
            body["valid_until"] = _midnight(last + timedelta(days=1)) if last else None
    daily = [_time(name, form.get(name, "")) for name in ("daily_from", "daily_until")]
    if (daily[0] is None) != (daily[1] is None):
        raise FormProblem("daily_until" if daily[1] is None else "daily_from", "permits.form.daily_both")
    if wanted("daily_from") or wanted("daily_until"):
        body["daily_from"], body["daily_until"] = daily
    reference = form.get("reference", "").strip()
    if not reference:
        raise FormProblem("reference", "permits.form.reference_required")
    if len(reference) > MAX_TEXT or any(ord(ch) < 32 for ch in reference):
        raise FormProblem("reference", "permits.form.reference_invalid")
    if wanted("reference"):
        body["reference"] = reference
    return body


def form_values(permit: Mapping[str, Any]) -> dict[str, str]:
    """A permit from the API as the change form shows it (and as parse_change compares it)."""
    until = local_date(permit.get("valid_until"))
    return {
        "plate": str(permit.get("plate", "")),
        "kind": str(permit.get("kind", "")),
        "regimes": ", ".join(permit.get("regimes") or []),
        "zones": ", ".join(permit.get("zones") or []),
        "valid_from": _iso(local_date(permit.get("valid_from"))),
        "valid_until": _iso(until - timedelta(days=1) if until else None),
        "daily_from": str(permit.get("daily_from") or "")[:5],
        "daily_until": str(permit.get("daily_until") or "")[:5],
        "day": str(permit.get("day") or ""),
        "reference": str(permit.get("reference", "")),
    }


def same_permit(existing: Mapping[str, Any], body: Mapping[str, Any]) -> bool:
    """A create that exemptions already holds: the double submit of the same form (the API has no
    idempotency key, so the console looks before it grants)."""
    keys = ("plate", "kind", "reference", "regimes", "zones", "day")
    mine = {k: body.get(k) or None for k in keys}
    theirs = {k: existing.get(k) or None for k in keys}
    return not existing.get("revoked") and mine == theirs


def _plate(text: str, *, required: bool) -> str:
    plate = normalised_plate(text)
    if required and not plate:
        raise FormProblem("plate", "form.plate_required")
    if len(plate) > MAX_PLATE:
        raise FormProblem("plate", "form.plate_too_long")
    return plate


def _scopes(field: str, text: str) -> list[str]:
    """`a, b` or `a b` (one per line works too): empty means every regime or zone."""
    found = [part for part in re.split(r"[\s,;|]+", text.strip()) if part]
    if any(not _SCOPE.match(part) for part in found):
        raise FormProblem(field, "permits.form.scope_invalid")
    return list(dict.fromkeys(found))


def _date(field: str, text: str, *, required: bool) -> date | None:
    text = text.strip()
    if not text:
        if required:
            raise FormProblem(field, "permits.form.date_required")
        return None
    try:
        found = date.fromisoformat(text)
    except ValueError:
        raise FormProblem(field, "permits.form.date_invalid") from None
    if not 1970 <= found.year <= 2199:
        raise FormProblem(field, "permits.form.date_invalid")
    return found


def _required_date(field: str, text: str) -> date:
    found = _date(field, text, required=True)
    if found is None:
        raise FormProblem(field, "permits.form.date_required")
    return found


def _time(field: str, text: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    if not _TIME.match(text[:5]) or len(text) not in (5, 8):
        raise FormProblem(field, "permits.form.time_invalid")
    return text[:5]


def _midnight(day: date) -> str:
    return datetime.combine(day, time(0), AMSTERDAM).isoformat()


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""
