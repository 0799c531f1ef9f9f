"""`POST /v1/vehicles/describe`: make, model and colour of a registered vehicle, for the reviewer who
compares them with the photo against cloned plates. POST with the plate in the body keeps plates out of
URLs, access logs and proxy logs.

The body is read here, not by FastAPI: at most MAX_BODY bytes are read, and a malformed body is a 422
that never echoes what was sent (FastAPI's own 422 repeats the input, and cannot even encode a lone
surrogate in it: a 500); nesting too deep for the parser is a 422 too, not FastAPI's 400."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationError

from anpr_rules.adapters.vehicle_descriptions import PostgresVehicleDescriptions
from anpr_rules.config import RulesSettings
from anpr_rules.handlers import describe_vehicle
from anpr_runtime import PermanentError
from anpr_runtime.auth import Principal, Role, require_roles
from anpr_runtime.purpose import PurposePolicy, purpose_for

router = APIRouter(prefix="/v1", tags=["vehicles"])
MAX_BODY = 4096  # a 32-character plate written as \uXXXX escapes is 200 bytes; anything near this is not one
_describer = require_roles(Role.REVIEWER, Role.SUPERVISOR)
Describer = Annotated[Principal, Depends(_describer)]


def _purposes(request: Request) -> PurposePolicy:
    settings = request.app.state.resources.settings
    assert isinstance(settings, RulesSettings)
    return settings.purposes


# A vehicle's description is personal data once tied to its plate: the caller says why (X-Purpose).
DescribePurpose = Annotated[str, Depends(purpose_for(_describer, _purposes))]


class DescribeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Room for dashes and spaces around the 16 characters the registry keys; longer is refused unread.
    plate: StrictStr = Field(min_length=1, max_length=32, description="Dutch plate, e.g. 63-HK-HD or 63HKHD.")


class VehicleOut(BaseModel):
    plate: str = Field(description="As the registry keys it: upper case, no dashes.")
    make: str | None = Field(description="RDW merk; null when the registry has none.")
    model: str | None = Field(description="RDW handelsbenaming.")
    colour: str | None = Field(description="RDW eerste_kleur, in Dutch upper case (GRIJS, ZWART, ...).")


async def _body(request: Request) -> DescribeIn:
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > MAX_BODY:
            raise PermanentError(f'request body over {MAX_BODY} bytes: send {{"plate": "..."}} only')
    try:
        return DescribeIn.model_validate_json(bytes(raw))
    except ValidationError as exc:
        # Where and what, never the input: it may be a plate, or something no JSON encoder takes back.
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors())
        raise PermanentError(f'expected {{"plate": "..."}}: {problems}') from None


@router.post(
    "/vehicles/describe",
    responses={404: {"description": "Not in the vehicle registry"}, 422: {"description": "Not a plate"}},
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": DescribeIn.model_json_schema()}}}
    },
)
async def post_describe(
    request: Request, _: Describer, __: DescribePurpose, body: Annotated[DescribeIn, Depends(_body)]
) -> VehicleOut:
    """What the RDW registry says the vehicle looks like (reviewer, supervisor, admin)."""
    found = await describe_vehicle(body.plate, PostgresVehicleDescriptions(request.app.state.resources.engine))
    return VehicleOut(plate=found.plate, make=found.make, model=found.model, colour=found.colour)
