"""The permit counter's request and response bodies. The domain checks the content (naming the field);
these bound the sizes so nothing large is ever parsed."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from anpr_exemptions.adapters.applications import StoredDocument
from anpr_exemptions.domain.applications import Application, ApplicationKind, Status, Step, StepAction
from anpr_exemptions.domain.vehicle_checks import VehicleChecks
from anpr_exemptions.entrypoints.schemas import Day, Moment, ScopeId


class VehicleCheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    plate: str = Field(min_length=1, max_length=32, description="Dutch plate, e.g. VX-123-B.")
    country: str = Field(default="NL", min_length=1, max_length=8, description="Country of registration.")


class ApplicationIn(VehicleCheckIn):
    kind: ApplicationKind
    email: str = Field(max_length=320, description="Where status mails go (number and status only).")
    day: Day | None = Field(default=None, description="Day permits: the day (valid until 06:00 the next morning).")
    details: str = Field(default="", max_length=10_000, description="Plain text for the desk.")


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["grant", "refuse", "needs_information"]
    reason: str = Field(default="", max_length=10_000, description="Shown to the applicant; required to refuse or ask.")
    valid_from: Moment | None = Field(default=None, description="grant: start of the permit.")
    valid_until: Moment | None = Field(default=None, description="grant: end (exclusive); null: open-ended.")
    regimes: list[ScopeId] = Field(default_factory=list, max_length=50, description="grant: empty = every regime.")
    zones: list[ScopeId] = Field(default_factory=list, max_length=50, description="grant: empty = every zone.")


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answer: str = Field(default="", max_length=10_000, description="The applicant's answer to the desk's question.")


class VehicleChecksOut(BaseModel):
    plate: str
    registered: bool
    kind: str | None
    category: str | None
    fuels: list[str]
    emission_class: int | None
    automatic: list[str] = Field(description="Automatic exemptions: no application needed.")
    day_permit_needed: bool
    notes: list[str]
    day_permits_left: int | None = Field(default=None, description="ZE day permits left this year.")

    @classmethod
    def of(cls, checks: VehicleChecks, left: int | None) -> "VehicleChecksOut":
        return cls(
            plate=checks.plate,
            registered=checks.registered,
            kind=checks.kind,
            category=checks.category,
            fuels=list(checks.fuels),
            emission_class=checks.emission_class,
            automatic=list(checks.automatic),
            day_permit_needed=checks.day_permit_needed,
            notes=list(checks.notes),
            day_permits_left=left,
        )


class StepOut(BaseModel):
    at: datetime
    from_status: Status | None
    to_status: Status
    reason: str
    action: StepAction = Field(
        default=StepAction.STATUS, description="`status`: the status moved; `paid`: the fee was recorded as paid."
    )
    actor: str | None = Field(default=None, description="Who took the step: for the desk only.")


class DocumentOut(BaseModel):
    document_id: str
    content_type: str
    size: int
    uploaded_at: datetime


class ApplicationOut(BaseModel):
    application_id: str
    number: str
    kind: ApplicationKind
    plate: str
    status: Status
    submitted_at: datetime
    day: date | None
    details: str
    reason: str = Field(description="The refusal's reason or the desk's question.")
    fee_cents: int
    payment_reference: str
    paid: bool
    decided_at: datetime | None
    exemption_id: str | None
    applicant: str | None = Field(default=None, description="bsn:/kvk: identifier: for the desk only.")
    steps: list[StepOut] = Field(default_factory=list)
    documents: list[DocumentOut] = Field(default_factory=list)

    @classmethod
    def of(
        cls, a: Application, staff: bool, steps: list[Step] | None = None, documents: list[StoredDocument] | None = None
    ) -> "ApplicationOut":
        return cls(
            application_id=a.application_id,
            number=a.number,
            kind=a.kind,
            plate=a.plate,
            status=a.status,
            submitted_at=a.submitted_at,
            day=a.day,
            details=a.details,
            reason=a.reason,
            fee_cents=a.fee_cents,
            payment_reference=a.payment_reference,
            paid=a.paid_at is not None,
            decided_at=a.decided_at,
            exemption_id=a.exemption_id,
            applicant=a.applicant if staff else None,
            steps=[
                StepOut(
                    at=s.at,
                    from_status=s.from_status,
                    to_status=s.to_status,
                    reason=s.reason,
                    action=s.action,
                    actor=s.actor_name if staff else None,
                )
                for s in steps or []
            ],
            documents=[
                DocumentOut(
                    document_id=d.document_id, content_type=d.content_type, size=d.size, uploaded_at=d.uploaded_at
                )
                for d in documents or []
            ],
        )
