"""Locations on the operations screen: the list with what is enforced where, and the location form
(create a new one; amend regimes, sign and consent of an existing one)."""

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from anpr_console.domain.navigation import OPERATIONS
from anpr_console.domain.operations_locations import DIRECTIONS, form_values, parse_amendment, parse_new_location
from anpr_console.domain.review import FormProblem
from anpr_console.domain.session import Session
from anpr_console.entrypoints.deps import calling, posted_form, screen_session
from anpr_console.entrypoints.rendering import render_screen
from anpr_console.handlers.operations_locations import load_location, load_locations, save_location

router = APIRouter(include_in_schema=False)
Operator = Annotated[Session, screen_session(OPERATIONS)]
LocationId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.:-]{1,100}$")]
Done = Annotated[str, Query(max_length=40)]


@router.get("/operations/locations")
async def locations(request: Request, session: Operator, done: Done = "", saved: Done = "") -> Response:
    found = await load_locations(*calling(request, session))
    context = {"locations": found, "done": done, "saved": saved}
    return render_screen(
        request, OPERATIONS, "operations/locations.html", {"tab": "locations", **context}, session=session
    )


def _form_page(
    request: Request,
    session: Session,
    location: dict[str, Any] | None,
    values: dict[str, str],
    *,
    problem: FormProblem | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "location": location,  # None: a new one
        "values": values,
        "directions": DIRECTIONS,
        "problem": problem,
    }
    return render_screen(
        request,
        OPERATIONS,
        "operations/location_form.html",
        {"tab": "locations", **context},
        session=session,
        status_code=status_code,
    )


def _not_found(request: Request, session: Session, location_id: str) -> Response:
    return render_screen(
        request,
        OPERATIONS,
        "operations/not_found.html",
        {"tab": "locations", "missing": location_id},
        session=session,
        status_code=404,
    )


@router.get("/operations/locations/new")
async def new_location(request: Request, session: Operator) -> Response:
    return _form_page(request, session, None, {})


@router.post("/operations/locations/new")
async def create_location(request: Request, session: Operator) -> Response:
    form = await posted_form(request, session)
    try:
        chosen = parse_new_location(form)
    except FormProblem as problem:
        return _form_page(request, session, None, form, problem=problem, status_code=422)
    outcome = await save_location(*calling(request, session), None, chosen)
    if outcome.kind == "refused":
        refused = _refusal(outcome.status, outcome.detail)
        return _form_page(request, session, None, form, problem=refused, status_code=422)
    done = "created" if outcome.kind == "done" else "already_created"
    query = urlencode({"done": done, "saved": chosen.body["location_id"]})
    return RedirectResponse(f"/operations/locations?{query}", status_code=303)


@router.get("/operations/locations/{location_id}")
async def location(request: Request, session: Operator, location_id: LocationId) -> Response:
    found = await load_location(*calling(request, session), location_id)
    if found is None:
        return _not_found(request, session, location_id)
    return _form_page(request, session, found, form_values(found))


@router.post("/operations/locations/{location_id}")
async def amend_location(request: Request, session: Operator, location_id: LocationId) -> Response:
    form = await posted_form(request, session)
    api, token = calling(request, session)
    found = await load_location(api, token, location_id)
    if found is None:
        return _not_found(request, session, location_id)
    typed = {**form_values(found), **{k: v for k, v in form.items() if k in ("regimes", "sign", "consent_reference")}}
    try:
        chosen = parse_amendment(form)
    except FormProblem as problem:
        return _form_page(request, session, found, typed, problem=problem, status_code=422)
    outcome = await save_location(api, token, location_id, chosen)
    if outcome.kind == "refused":
        refused = _refusal(outcome.status, outcome.detail)
        return _form_page(request, session, found, typed, problem=refused, status_code=422)
    # An amendment sends the whole amendable state, so a second submit changes nothing: no 409 to handle.
    query = urlencode({"done": "amended", "saved": location_id})
    return RedirectResponse(f"/operations/locations?{query}", status_code=303)


def _refusal(status: int, detail: str) -> FormProblem:
    """ingest's refusal on the form: 409 (the id exists) belongs to the id field, 403 (this role may not
    write there) and the rest to the form as a whole."""
    return FormProblem("location_id" if status == 409 else "role" if status == 403 else "ingest", detail)
