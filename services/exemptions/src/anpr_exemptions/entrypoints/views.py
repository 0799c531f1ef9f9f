"""Response bodies."""

from dataclasses import asdict
from datetime import date, datetime, time
from typing import Any

from pydantic import BaseModel, Field

from anpr_exemptions.domain.audit import AuditEntry
from anpr_exemptions.domain.fields import fields_of
from anpr_exemptions.domain.model import Exemption, ExemptionKind
from anpr_exemptions.domain.reads import ReadEntry
from anpr_exemptions.handlers import ImportReport


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
    def of(cls, exemption: Exemption) -> "ExemptionOut":
        return cls.model_validate(fields_of(exemption))


class CheckOut(BaseModel):
    """What reviewers and services learn: exempt or not, for which regime."""

    exempt: bool
    regime: str


class CheckDetailsOut(CheckOut):
    """What the permit desk, operators, supervisors and admin learn besides: the permits that exempt."""

    exemptions: list[ExemptionOut]


class ReadOut(BaseModel):
    at: datetime
    actor: str
    actor_name: str
    action: str
    purpose: str
    plate_key: str | None = Field(description="The vehicle's keyed pseudonym, as rules and notices key it.")
    exemption_ids: list[str]

    @classmethod
    def of(cls, entry: ReadEntry) -> "ReadOut":
        return cls.model_validate({**asdict(entry), "exemption_ids": list(entry.exemption_ids)})


class AuditOut(BaseModel):
    at: datetime
    actor: str = Field(description="Who: the stable subject (a person's OIDC sub, a machine token's name).")
    actor_name: str | None = Field(description="The display name at the time; null before names were kept.")
    action: str
    changed: list[str] = Field(description="Fields that differ between before and after.")
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @classmethod
    def of(cls, entry: AuditEntry) -> "AuditOut":
        return cls(
            at=entry.at,
            actor=entry.actor,
            actor_name=entry.actor_name,
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

    @classmethod
    def of(cls, report: ImportReport) -> "ImportOut":
        return cls.model_validate(report, from_attributes=True)
