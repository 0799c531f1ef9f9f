"""The operations screen: cameras with their health at a glance, a camera's placement timeline and the
"move camera" form. Locations and the rotation plan are in operations_locations.py and
operations_rotation.py, included here. Every page works without JavaScript."""

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from anpr_console.domain.navigation import OPERATIONS
from anpr_console.domain.operations import LOCAL, TAKE_DOWN, parse_move
from anpr_console.domain.review import FormProblem
from anpr_console.domain.session import Session
from anpr_console.entrypoints import operations_locations, operations_rotation
from anpr_console.entrypoints.deps import calling, posted_form, screen_session
from anpr_console.entrypoints.rendering import render_screen
from anpr_console.handlers.operations import load_camera, load_cameras, move_camera

router = APIRouter(include_in_schema=False)
router.include_router(operations_locations.router)
router.include_router(operations_rotation.router)
Operator = Annotated[Session, screen_session(OPERATIONS)]
CameraId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:-]{1,100}$")]
Done = Annotated[str, Query(max_length=40)]


@router.get("/operations")
async def cameras(request: Request, session: Operator) -> Response:
    page = await load_cameras(*calling(request, session), datetime.now(UTC))
    return render_screen(
        request, OPERATIONS, "operations/cameras.html", {"tab": "cameras", "page": page}, session=session
    )


async def _camera_page(
    request: Request,
    session: Session,
    camera_id: str,
    *,
    done: str = "",
    problem: FormProblem | None = None,
    typed: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    page = await load_camera(*calling(request, session), camera_id, datetime.now(UTC))
    if page is None:
        return render_screen(
            request,
            OPERATIONS,
            "operations/not_found.html",
            {"tab": "cameras", "missing": camera_id},
            session=session,
            status_code=404,
        )
    context: dict[str, Any] = {
        "page": page,
        "take_down": TAKE_DOWN,
        # The form's default: now, to the minute, as the datetime-local input shows it.
        "now_local": datetime.now(LOCAL).strftime("%Y-%m-%dT%H:%M"),
        "done": done,
        "problem": problem,
        "typed": typed or {},
    }
    return render_screen(
        request,
        OPERATIONS,
        "operations/camera.html",
        {"tab": "cameras", **context},
        session=session,
        status_code=status_code,
    )


@router.get("/operations/cameras/{camera_id}")
async def camera(request: Request, session: Operator, camera_id: CameraId, done: Done = "") -> Response:
    return await _camera_page(request, session, camera_id, done=done)


@router.post("/operations/cameras/{camera_id}/move")
async def move(request: Request, session: Operator, camera_id: CameraId) -> Response:
    form = await posted_form(request, session)
    api, token = calling(request, session)
    page = await load_camera(api, token, camera_id, datetime.now(UTC))
    known = [str(location["location_id"]) for location in page.locations] if page else []
    try:
        chosen = parse_move(form, known)
    except FormProblem as problem:
        return await _camera_page(request, session, camera_id, problem=problem, typed=form, status_code=422)
    outcome = await move_camera(api, token, camera_id, chosen)
    if outcome.kind == "refused":
        # 409/422 from ingest (overlap, a moment before the current placement, no open placement to end)
        # belong to the moment the person chose; 403 (ingest does not let this role write) and 404 to the form.
        field = "valid_from" if outcome.status in (409, 422) else "role" if outcome.status == 403 else "ingest"
        refused = FormProblem(field, outcome.detail)
        return await _camera_page(request, session, camera_id, problem=refused, typed=form, status_code=422)
    done = "moved" if outcome.kind == "done" else "already_moved"
    # Post/redirect/get: reloading the camera page never sends the move again.
    return RedirectResponse(f"/operations/cameras/{camera_id}?{urlencode({'done': done})}", status_code=303)
