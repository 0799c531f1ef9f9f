from datetime import UTC, datetime
from typing import Annotated
from uuid import uuid4

from fastapi import APIRouter, Depends, FastAPI, Query, Request, status
from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from anpr_exemptions.adapters.repository import PostgresExemptionRepository
from anpr_exemptions.bootstrap import SPEC, bootstrap
from anpr_exemptions.config import ExemptionsSettings
from anpr_exemptions.domain.model import Exemption, ExemptionKind
from anpr_exemptions.handlers import check, grant, revoke
from anpr_runtime import PermanentError
from anpr_runtime.auth import Principal, Role, require_roles
from anpr_runtime.http import create_service_app
from anpr_runtime.publisher import KafkaEventPublisher
from anpr_runtime.service import Resources, service_lifespan

router = APIRouter(prefix="/v1")
Issuer = Annotated[Principal, Depends(require_roles(Role.OPERATOR))]
Checker = Annotated[Principal, Depends(require_roles(Role.OPERATOR, Role.REVIEWER, Role.SERVICE))]


def _plate(value: object) -> object:
    return value.replace("-", "").replace(" ", "").upper() if isinstance(value, str) else value


Plate = Annotated[str, BeforeValidator(_plate), Field(min_length=1, max_length=16, pattern=r"^[A-Z0-9]+$")]


class ExemptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    plate: Plate
    kind: ExemptionKind
    regimes: list[str] = Field(default_factory=list, description="Regime ids; empty = every regime.")
    valid_from: AwareDatetime
    valid_until: AwareDatetime | None = None
    reference: str = Field(min_length=1, max_length=200)
    issuer: str = Field(min_length=1, max_length=200)


class ExemptionOut(ExemptionIn):
    exemption_id: str
    revoked: bool

    @classmethod
    def of(cls, e: Exemption) -> "ExemptionOut":
        return cls(
            exemption_id=e.exemption_id,
            plate=e.plate,
            kind=e.kind,
            regimes=list(e.regimes),
            valid_from=e.valid_from,
            valid_until=e.valid_until,
            reference=e.reference,
            issuer=e.issuer,
            revoked=e.revoked,
        )


class CheckOut(BaseModel):
    exempt: bool
    exemptions: list[ExemptionOut]


def _resources(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources


@router.post("/exemptions", status_code=status.HTTP_201_CREATED)
async def post_exemption(request: Request, who: Issuer, body: ExemptionIn) -> ExemptionOut:
    if body.valid_until is not None and body.valid_until <= body.valid_from:
        raise PermanentError("valid_until must be after valid_from")
    resources = _resources(request)
    exemption = Exemption(
        exemption_id=str(uuid4()),
        plate=body.plate,
        kind=body.kind,
        regimes=tuple(body.regimes),
        valid_from=body.valid_from,
        valid_until=body.valid_until,
        reference=body.reference,
        issuer=body.issuer,
    )
    async with resources.engine.begin() as connection:
        await grant(
            exemption,
            who.subject,
            datetime.now(UTC),
            PostgresExemptionRepository(connection),
            KafkaEventPublisher(resources.producer, resources.settings.topic_prefix),
            resources.settings.pseudonym_key.get_secret_value(),
        )
    return ExemptionOut.of(exemption)


@router.post("/exemptions/{exemption_id}/revoke")
async def post_revoke(request: Request, who: Issuer, exemption_id: str) -> ExemptionOut:
    resources = _resources(request)
    async with resources.engine.begin() as connection:
        revoked = await revoke(
            exemption_id,
            who.subject,
            datetime.now(UTC),
            PostgresExemptionRepository(connection),
            KafkaEventPublisher(resources.producer, resources.settings.topic_prefix),
            resources.settings.pseudonym_key.get_secret_value(),
        )
    return ExemptionOut.of(revoked)


@router.get("/check")
async def get_check(
    request: Request, _: Checker, plate: Annotated[Plate, Query()], regime: str, at: AwareDatetime
) -> CheckOut:
    async with _resources(request).engine.connect() as connection:
        found = await check(plate, regime, at, PostgresExemptionRepository(connection))
    return CheckOut(exempt=bool(found), exemptions=[ExemptionOut.of(e) for e in found])


def create_app(settings: ExemptionsSettings | None = None) -> FastAPI:
    return create_service_app(
        "exemptions", service_lifespan(SPEC, lambda: settings or ExemptionsSettings(), bootstrap), [router]
    )
