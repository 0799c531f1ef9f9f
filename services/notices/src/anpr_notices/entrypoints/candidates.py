"""The review queue: list, look at, see the evidence of, and decide candidates. Every response that
shows a plate or a photo writes one audit row per candidate shown."""

from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from anpr_notices.adapters.audit import PostgresAuditLog
from anpr_notices.adapters.candidates import CandidateQuery, PostgresCandidateRepository
from anpr_notices.domain.model import RejectReason, Status
from anpr_notices.domain.workflow import Verdict
from anpr_notices.entrypoints.deps import DecisionPurpose, Reviewer, ReviewPurpose, actor_of, review_rules, transaction
from anpr_notices.entrypoints.views import candidate_view
from anpr_notices.handlers import offender_history, record_decision, with_review_flags
from anpr_runtime import NotFound
from anpr_runtime.inputs import Text

router = APIRouter(prefix="/v1", tags=["candidates"])


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["accept", "reject"]
    reason: RejectReason | None = None
    reason_text: str | None = Field(default=None, max_length=1000)
    corrected_plate: str | None = Field(default=None, min_length=1, max_length=16, pattern=r"^[A-Z0-9]+$")


@router.get("/candidates")
async def list_candidates(
    request: Request,
    response: Response,
    who: Reviewer,
    purpose: ReviewPurpose,
    status: Status | None = None,
    regime: Annotated[Text | None, Query(max_length=100)] = None,
    location: Annotated[Text | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    order: Literal["oldest", "newest"] = "oldest",
    after: Annotated[UUID | None, Query(description="only candidates seen after this one")] = None,
    before: Annotated[UUID | None, Query(description="only candidates seen before this one")] = None,
) -> list[dict[str, Any]]:
    """By moment observed, oldest first (a queue: the oldest are closest to the legal deadline) or newest
    first. A full page sets `X-Next-After` (oldest first) or `X-Next-Before` (newest first): pass it as
    `after` / `before` for the next page."""
    query = CandidateQuery(status, regime, location, limit, order == "newest", after, before)
    async with transaction(request) as connection:
        repo = PostgresCandidateRepository(connection)
        found = await with_review_flags(await repo.find(query), review_rules(request).four_eyes, repo)
        shown = [str(c["candidate_id"]) for c in found]
        await PostgresAuditLog(connection).record(datetime.now(UTC), actor_of(who), "list_candidates", shown, purpose)
    if len(found) == limit:
        response.headers["X-Next-Before" if query.newest_first else "X-Next-After"] = shown[-1]
    return [candidate_view(c) for c in found]


@router.get("/candidates/{candidate_id}")
async def get_candidate(request: Request, who: Reviewer, candidate_id: UUID, purpose: ReviewPurpose) -> Any:
    async with transaction(request) as connection:
        repo = PostgresCandidateRepository(connection)
        candidate = await repo.get(candidate_id)
        if candidate is None:
            raise NotFound(f"no candidate {candidate_id}")
        [candidate] = await with_review_flags([candidate], review_rules(request).four_eyes, repo)
        await PostgresAuditLog(connection).record(
            datetime.now(UTC), actor_of(who), "view_candidate", [str(candidate_id)], purpose
        )
    return candidate_view(candidate)


@router.get("/candidates/{candidate_id}/history")
async def get_history(request: Request, who: Reviewer, candidate_id: UUID, purpose: ReviewPurpose) -> Any:
    """The same vehicle's earlier candidates in this candidate's regime, newest first (at most 20), with
    their latest decision: against cloned plates and for repeat offences. One audit row per candidate
    shown, the asked-about one included."""
    async with transaction(request) as connection:
        items = await offender_history(candidate_id, PostgresCandidateRepository(connection))
        shown = [str(candidate_id), *(item["id"] for item in items)]
        await PostgresAuditLog(connection).record(datetime.now(UTC), actor_of(who), "view_history", shown, purpose)
    return {"items": items}


@router.get("/candidates/{candidate_id}/evidence/{kind}", response_class=Response)
async def get_evidence(
    request: Request, who: Reviewer, candidate_id: UUID, kind: Literal["plate", "overview"], purpose: ReviewPurpose
) -> Response:
    async with transaction(request) as connection:
        jpeg = await PostgresCandidateRepository(connection).evidence(candidate_id, kind)
        if jpeg is None:
            raise NotFound(f"no {kind} evidence for candidate {candidate_id}")
        await PostgresAuditLog(connection).record(
            datetime.now(UTC), actor_of(who), f"view_evidence:{kind}", [str(candidate_id)], purpose
        )
    # Personal data: never in a shared or browser cache.
    return Response(jpeg, media_type="image/jpeg", headers={"Cache-Control": "private, no-store"})


@router.post("/candidates/{candidate_id}/decision")
async def post_decision(
    request: Request, who: Reviewer, candidate_id: UUID, body: DecisionIn, purpose: DecisionPurpose
) -> Any:
    """accept | reject (with a reason); `corrected_plate` sends the corrected read back to rules.
    404 unknown, 409 already decided or same reviewer twice under four-eyes, 422 invalid, 503 broker down."""
    verdict = Verdict(body.decision, body.reason, body.reason_text, body.corrected_plate)
    now = datetime.now(UTC)
    async with transaction(request) as connection:
        repo = PostgresCandidateRepository(connection)
        decided = await record_decision(candidate_id, verdict, actor_of(who), now, repo, review_rules(request))
        await PostgresAuditLog(connection).record(
            now, actor_of(who), f"decide:{body.decision}", [str(candidate_id)], purpose
        )
    return candidate_view(decided)
