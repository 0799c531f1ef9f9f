"""Audit trail: who changed which permit when, with its state before and after."""

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import Enum
from typing import Any

from anpr_exemptions.domain.fields import fields_of
from anpr_exemptions.domain.model import Exemption

Snapshot = dict[str, Any]


@dataclass(frozen=True)
class Actor:
    """Who changed a permit: `subject` is stable (a person's OIDC `sub`, a machine token's name); `name` is
    the display name shown beside it."""

    subject: str
    name: str


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str  # the subject
    action: str  # grant, update, revoke
    exemption_id: str
    before: Snapshot | None = None
    after: Snapshot | None = None
    actor_name: str | None = None  # None for entries written before migration 0003

    def changed(self) -> list[str]:
        if self.before is None or self.after is None:
            return []
        return sorted(k for k in self.after.keys() | self.before.keys() if self.before.get(k) != self.after.get(k))


def snapshot(exemption: Exemption) -> Snapshot:
    """JSON-ready state (stored as JSONB and returned by the API as is)."""
    return {name: _plain(value) for name, value in fields_of(exemption).items()}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    return value
