"""The read log: every read of permit data, by whom, why (the X-Purpose) and of which vehicle and permits.

It keeps the vehicle as its keyed pseudonym, not the plate: "who looked at this vehicle" is answered by
computing the same key, and the log itself discloses no plate."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ReadEntry:
    at: datetime
    actor: str  # the stable subject
    actor_name: str
    action: str  # check, search, view, view_audit, quota
    purpose: str
    plate_key: str | None = None  # the vehicle asked about, when the read named one
    exemption_ids: tuple[str, ...] = ()  # the permits shown


@dataclass(frozen=True)
class ReadQuery:
    actor: str | None = None
    plate_key: str | None = None
    since: datetime | None = None
    limit: int = 100
