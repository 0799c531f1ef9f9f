"""The review screen: the oldest open candidate with its evidence, vehicle and history, and the forms to
accept, reject with a reason or correct the plate. Works without JavaScript; console.js adds the keys."""

from typing import Annotated, Literal
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from anpr_console.domain.navigation import REVIEW
from anpr_console.domain.review import REJECT_REASONS, STATUSES, FormProblem, parse_decision
from anpr_console.domain.session import Session
from anpr_console.entrypoints.deps import calling, components, posted_form, screen_session
from anpr_console.entrypoints.rendering import render_screen
from anpr_console.handlers.review import PURPOSE, Filters, decide, load_review

router = APIRouter(include_in_schema=False)
Reviewer = Annotated[Session, screen_session(REVIEW)]
Status = Literal["pending", "awaiting_second_review"]
Text = Annotated[str, Query(max_length=100)]


def _filters(status: str, regime: str, location: str) -> Filters:
    return Filters(status if status in STATUSES else "pending", regime.strip(), location.strip())


async def _page(
    request: Request,
    session: Session,
    filters: Filters,
    candidate_id: str | None,
    *,
    done: str = "",
    problem: FormProblem | None = None,
    typed: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    found = components(request)
    page = await load_review(*calling(request, session), filters, candidate_id, found.settings.review_queue_size)
    context = {
        "page": page,
        "filters": filters,
        "filter_query": urlencode(filters.params()),
        "statuses": STATUSES,
        "reasons": REJECT_REASONS,
        "done": done,
        "problem": problem,
        "typed": typed or {},
    }
    return render_screen(request, REVIEW, "review.html", context, session=session, status_code=status_code)


@router.get("/review")
async def review_oldest(
    request: Request,
    session: Reviewer,
    status: Status = "pending",
    regime: Text = "",
    location: Text = "",
    done: Text = "",
) -> Response:
    return await _page(request, session, _filters(status, regime, location), None, done=done)


@router.get("/review/{candidate_id}")
async def review_one(
    request: Request,
    session: Reviewer,
    candidate_id: UUID,
    status: Status = "pending",
    regime: Text = "",
    location: Text = "",
) -> Response:
    return await _page(request, session, _filters(status, regime, location), str(candidate_id))


@router.get("/review/{candidate_id}/evidence/{kind}")
async def evidence(
    session: Reviewer, request: Request, candidate_id: UUID, kind: Literal["plate", "overview"]
) -> Response:
    path = f"/v1/candidates/{candidate_id}/evidence/{kind}"
    api, token = calling(request, session)
    image = await api.get_binary("notices", path, token, PURPOSE)
    # A photo of a vehicle and its plate: personal data, never in any cache.
    return Response(image.content, media_type=image.media_type, headers={"Cache-Control": "private, no-store"})


@router.post("/review/{candidate_id}/decision")
async def decision(request: Request, session: Reviewer, candidate_id: UUID) -> Response:
    form = await posted_form(request, session)
    filters = _filters(form.get("status", ""), form.get("regime", "")[:100], form.get("location", "")[:100])
    try:
        chosen = parse_decision(form)
    except FormProblem as problem:
        return await _page(request, session, filters, str(candidate_id), problem=problem, typed=form, status_code=422)
    outcome = await decide(*calling(request, session), str(candidate_id), chosen)
    if outcome.kind == "refused":
        from_notices = FormProblem("notices", outcome.detail)
        return await _page(
            request, session, filters, str(candidate_id), problem=from_notices, typed=form, status_code=422
        )
    done = outcome.status if outcome.kind == "decided" else "already_decided"
    # Post/redirect/get: a reload of the next page never sends the decision again.
    return RedirectResponse(f"/review?{urlencode({**filters.params(), 'done': done})}", status_code=303)
