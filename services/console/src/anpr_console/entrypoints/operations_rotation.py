"""The rotation plan on the operations screen: upload the JSON `anpr plan-rotation` wrote, see it per camera
and day, approve it (its placements written through ingest, each step at most once)."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from anpr_console.domain.csrf import FIELD, token_matches
from anpr_console.domain.navigation import OPERATIONS
from anpr_console.domain.operations_rotation import MAX_PLAN_BYTES, RotationPlan, parse_plan, uploaded_plan
from anpr_console.domain.review import FormProblem
from anpr_console.domain.session import Session
from anpr_console.domain.uploads import UploadRefused, UploadTooLarge, parse_multipart
from anpr_console.entrypoints.deps import CsrfRefused, FormTooLarge, calling, posted_form, screen_session
from anpr_console.entrypoints.rendering import render_screen
from anpr_console.handlers.operations_rotation import Approval, approve_plan

router = APIRouter(include_in_schema=False)
Operator = Annotated[Session, screen_session(OPERATIONS)]
Count = Annotated[int | None, Query(ge=0, le=100_000)]


def _page(
    request: Request,
    session: Session,
    *,
    plan: RotationPlan | None = None,
    approval: Approval | None = None,
    done: dict[str, int] | None = None,
    problem: FormProblem | None = None,
    pasted: str = "",
    status_code: int = 200,
) -> Response:
    context = {
        "pasted": pasted,  # what the person pasted, kept when it was refused
        "plan": plan,
        "approval": approval,
        "done": done,
        "problem": problem,
    }
    return render_screen(
        request,
        OPERATIONS,
        "operations/rotation.html",
        {"tab": "rotation", **context},
        session=session,
        status_code=status_code,
    )


@router.get("/operations/rotation")
async def rotation(request: Request, session: Operator, written: Count = None, skipped: Count = None) -> Response:
    done = {"written": written, "skipped": skipped or 0} if written is not None else None
    return _page(request, session, done=done)


@router.post("/operations/rotation")
async def upload(request: Request, session: Operator) -> Response:
    """Shows the plan; nothing is written yet, so this answers the page itself (no redirect needed)."""
    body = await request.body()
    if len(body) > MAX_PLAN_BYTES:
        raise FormTooLarge
    try:
        sent = parse_multipart(request.headers.get("content-type", ""), body, MAX_PLAN_BYTES)
        content = uploaded_plan(sent)
    except UploadRefused:
        return _page(request, session, problem=FormProblem("plan", "ops.plan.not_multipart"), status_code=422)
    except UploadTooLarge:
        return _page(request, session, problem=FormProblem("plan", "ops.plan.too_large"), status_code=422)
    except FormProblem as problem:
        return _page(request, session, problem=problem, status_code=422)
    fields = sent.fields("plan_file")
    if not token_matches(session.csrf_secret, fields.get(FIELD)):
        raise CsrfRefused(session)
    try:
        plan = parse_plan(content)
    except FormProblem as problem:
        return _page(request, session, problem=problem, pasted=fields.get("plan_text", ""), status_code=422)
    return _page(request, session, plan=plan)


@router.post("/operations/rotation/approve")
async def approve(request: Request, session: Operator) -> Response:
    form = await posted_form(request, session)
    try:
        plan = parse_plan(form.get("plan", ""))
    except FormProblem as problem:
        return _page(request, session, problem=problem, status_code=422)
    approval = await approve_plan(*calling(request, session), plan)
    if approval.refused:
        # Some steps were written, one per camera was refused: show which, with the plan to approve again.
        return _page(request, session, plan=plan, approval=approval, status_code=422)
    # Post/redirect/get: a reload shows the result without approving again (which would write nothing anyway).
    query = urlencode({"written": approval.written, "skipped": approval.skipped})
    return RedirectResponse(f"/operations/rotation?{query}", status_code=303)
