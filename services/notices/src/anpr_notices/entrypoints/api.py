from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, Header, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from anpr_notices.adapters.repository import PostgresCandidateRepository
from anpr_notices.bootstrap import SPEC, bootstrap
from anpr_notices.config import NoticesSettings
from anpr_notices.domain.model import RejectReason, Status
from anpr_notices.handlers import record_decision
from anpr_runtime import NotFound
from anpr_runtime.auth import Principal, Role, require_roles
from anpr_runtime.http import create_service_app
from anpr_runtime.service import Resources, service_lifespan

router = APIRouter(prefix="/v1")
Reviewer = Annotated[Principal, Depends(require_roles(Role.REVIEWER, Role.SUPERVISOR))]
Purpose = Annotated[str, Header(alias="X-Purpose", max_length=200)]


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["accept", "reject"]
    reason: RejectReason | None = None
    reason_text: str | None = Field(default=None, max_length=1000)
    corrected_plate: str | None = Field(default=None, min_length=1, max_length=16, pattern=r"^[A-Z0-9]+$")


def _resources(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources


def _public(candidate: dict[str, Any]) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, UUID) else v) for k, v in candidate.items()}


@router.get("/candidates")
async def list_candidates(
    request: Request,
    who: Reviewer,
    status: Status | None = None,
    regime: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    purpose: Purpose = "review",
) -> list[dict[str, Any]]:
    async with _resources(request).engine.begin() as connection:
        repo = PostgresCandidateRepository(connection)
        found = await repo.list(status, regime, limit)
        # Listing shows plates: personal data, so the look itself is audited.
        await repo.audit(datetime.now(UTC), who.subject, "list_candidates", f"status={status}", purpose)
    return [_public(c) for c in found]


@router.get("/candidates/{candidate_id}")
async def get_candidate(request: Request, who: Reviewer, candidate_id: UUID, purpose: Purpose = "review") -> Any:
    async with _resources(request).engine.begin() as connection:
        repo = PostgresCandidateRepository(connection)
        candidate = await repo.get(candidate_id)
        if candidate is None:
            raise NotFound(f"no candidate {candidate_id}")
        await repo.audit(datetime.now(UTC), who.subject, "view_candidate", str(candidate_id), purpose)
    return _public(candidate)


@router.get("/candidates/{candidate_id}/evidence/{kind}", response_class=Response)
async def get_evidence(
    request: Request, who: Reviewer, candidate_id: UUID, kind: Literal["plate", "overview"], purpose: Purpose = "review"
) -> Response:
    async with _resources(request).engine.begin() as connection:
        repo = PostgresCandidateRepository(connection)
        jpeg = await repo.evidence(candidate_id, kind)
        if jpeg is None:
            raise NotFound(f"no {kind} evidence for candidate {candidate_id}")
        await repo.audit(datetime.now(UTC), who.subject, f"view_evidence:{kind}", str(candidate_id), purpose)
    return Response(jpeg, media_type="image/jpeg")


@router.post("/candidates/{candidate_id}/decision")
async def post_decision(request: Request, who: Reviewer, candidate_id: UUID, body: DecisionIn) -> Any:
    async with _resources(request).engine.begin() as connection:
        decided = await record_decision(
            candidate_id,
            body.decision,
            body.reason,
            body.reason_text,
            body.corrected_plate,
            who.subject,
            datetime.now(UTC),
            PostgresCandidateRepository(connection),
        )
    return _public(decided)


def create_app(settings: NoticesSettings | None = None) -> FastAPI:
    return create_service_app(
        "notices", service_lifespan(SPEC, lambda: settings or NoticesSettings(), bootstrap), [router]
    )
