"""The location form: create a location, or amend what is enforced there. The shapes are ingest's
(LocationIn/LocationPatch), checked here first so the person sees the field to fix; ingest checks again."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from anpr_console.domain.operations import IDENTIFIER
from anpr_console.domain.review import FormProblem

SIGN = re.compile(r"^[A-L][0-9]{1,3}[a-z]?$")  # RVV 1990 sign codes: C7, C12, C22a
DIRECTIONS = ("entry", "exit")
# What ingest lets change at an existing location; name, zone and direction stay so history keeps its meaning.
AMENDABLE = ("regimes", "sign", "consent_reference")
FIELDS = ("location_id", "name", "regimes", "zone_id", "direction", "sign", "consent_reference")


def _control_free(text: str) -> bool:
    return not any(ord(ch) < 32 or ord(ch) == 127 for ch in text)


def _regimes(text: str) -> list[str]:
    """Comma or space separated, as people type lists; each one an id."""
    found = [part for part in re.split(r"[\s,]+", text.strip()) if part]
    if any(not IDENTIFIER.match(part) for part in found):
        raise FormProblem("regimes", "ops.form.regimes_invalid")
    return list(dict.fromkeys(found))


def _sign(text: str) -> str | None:
    sign = text.strip()
    if sign and not SIGN.match(sign):
        raise FormProblem("sign", "ops.form.sign_invalid")
    return sign or None


def _consent(text: str) -> str | None:
    consent = text.strip()
    if len(consent) > 200 or not _control_free(consent):
        raise FormProblem("consent_reference", "ops.form.consent_invalid")
    return consent or None


@dataclass(frozen=True)
class LocationForm:
    body: dict[str, Any]  # ingest's POST /v1/locations or PATCH /v1/locations/{id} body


def parse_new_location(form: Mapping[str, str]) -> LocationForm:
    location_id = form.get("location_id", "").strip()
    if not IDENTIFIER.match(location_id):
        raise FormProblem("location_id", "ops.form.id_invalid")
    name = form.get("name", "").strip()
    if not name or len(name) > 200 or not _control_free(name):
        raise FormProblem("name", "ops.form.name_invalid")
    regimes = _regimes(form.get("regimes", ""))
    zone = form.get("zone_id", "").strip()
    if zone and not IDENTIFIER.match(zone):
        raise FormProblem("zone_id", "ops.form.zone_invalid")
    direction = form.get("direction", "").strip()
    if direction and direction not in DIRECTIONS:
        raise FormProblem("direction", "ops.form.direction_invalid")
    if direction and not zone:
        raise FormProblem("zone_id", "ops.form.direction_needs_zone")
    body = {
        "location_id": location_id,
        "name": name,
        "regimes": regimes,
        "zone_id": zone or None,
        "direction": direction or None,
        "sign": _sign(form.get("sign", "")),
        "consent_reference": _consent(form.get("consent_reference", "")),
    }
    return LocationForm(body)


def parse_amendment(form: Mapping[str, str]) -> LocationForm:
    """All three amendable fields are sent: an emptied sign or consent field clears it (null)."""
    body = {
        "regimes": _regimes(form.get("regimes", "")),
        "sign": _sign(form.get("sign", "")),
        "consent_reference": _consent(form.get("consent_reference", "")),
    }
    return LocationForm(body)


def form_values(location: Mapping[str, Any]) -> dict[str, str]:
    """A location from ingest as the form's fields show it."""
    values = {name: str(location.get(name) or "") for name in FIELDS}
    values["regimes"] = ", ".join(location.get("regimes") or [])
    return values
