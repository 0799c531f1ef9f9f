"""Response bodies."""

from datetime import date, datetime, time
from typing import Any

from pydantic import BaseModel, Field

from anpr_exemptions.domain.audit import AuditEntry
from anpr_exemptions.domain.model import Exemption, ExemptionKind


class ExemptionOut(BaseModel):
    exemption_id: str
    plate: str
    kind: ExemptionKind
    regimes: list[str]
    zones: list[str]
    valid_from: datetime
    valid_until: datetime | None
    daily_from: time | None
    daily_until: time | None
    day: date | None
    municipality: str | None
    reference: str
    issuer: str
    revoked: bool

    @classmethod
    def of(cls, e: Exemption) -> "ExemptionOut":
        return cls(
            exemption_id=e.exemption_id,
            plate=e.plate,
            kind=e.kind,
            regimes=list(e.regimes),
            zones=list(e.zones),
            valid_from=e.valid_from,
            valid_until=e.valid_until,
            daily_from=e.daily_from,
            daily_until=e.daily_until,
            day=e.day,
            municipality=e.municipality,
            reference=e.reference,
            issuer=e.issuer,
            revoked=e.revoked,
        )


class CheckOut(BaseModel):
    exempt: bool
    exemptions: list[ExemptionOut]


class AuditOut(BaseModel):
    at: datetime
    actor: str
    action: str
    changed: list[str] = Field(description="Fields that differ between before and after.")
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @classmethod
    def of(cls, entry: AuditEntry) -> "AuditOut":
        return cls(
            at=entry.at,
            actor=entry.actor,
            action=entry.action,
            changed=entry.changed(),
            before=entry.before,
            after=entry.after,
        )


class ImportedRow(BaseModel):
    row: int
    exemption_id: str


class RowError(BaseModel):
    row: int = Field(description="Row of the file; the header is row 1.")
    error: str


class ImportOut(BaseModel):
    created: list[ImportedRow]
    errors: list[RowError]
