"""The one mapping between an `Exemption` (or the `Terms` asked for) and the plain field dicts its other
forms are built from: database rows, API bodies, CSV rows, audit snapshots and the published change.

Each form renames or converts only what it must (a column name, lists for JSON); the field names and
their order are written down once, here and in the dataclasses themselves."""

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from anpr_exemptions.domain.model import Exemption, ExemptionKind

FIELDS = tuple(f.name for f in fields(Exemption))
# What a client gives for a permit, in the order the API documents it and a CSV header lists it.
TERM_FIELDS = (
    "plate",
    "kind",
    "regimes",
    "zones",
    "valid_from",
    "valid_until",
    "daily_from",
    "daily_until",
    "day",
    "reference",
    "issuer",
)


def fields_of(exemption: Exemption) -> dict[str, Any]:
    """Every field by name, as the model holds it (tuples, the kind as enum)."""
    return {name: getattr(exemption, name) for name in FIELDS}


def exemption_from(values: Mapping[str, Any]) -> Exemption:
    """The inverse of `fields_of`, from values as a store or a body gives them (lists, the kind's text)."""
    given = tupled({name: values[name] for name in FIELDS})
    return Exemption(**given | {"kind": ExemptionKind(given["kind"])})


def tupled(values: Mapping[str, Any]) -> dict[str, Any]:
    """Lists (as JSON, pydantic and the database give them) as the tuples the frozen models hold."""
    return {name: tuple(v) if isinstance(v, list) else v for name, v in values.items()}
