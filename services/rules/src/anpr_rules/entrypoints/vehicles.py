"""`POST /v1/vehicles/describe`: make, model and colour of a registered vehicle, for the reviewer who
compares them with the photo against cloned plates. POST with the plate in the body keeps plates out of
URLs, access logs and proxy logs."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from anpr_rules.adapters.vehicle_descriptions import PostgresVehicleDescriptions
from anpr_rules.handlers import describe_vehicle
from anpr_runtime.auth import Principal, Role, require_roles

router = APIRouter(prefix="/v1", tags=["vehicles"])
Describer = Annotated[Principal, Depends(require_roles(Role.REVIEWER, Role.SUPERVISOR))]


class DescribeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Room for dashes and spaces around the 16 characters the registry keys; longer is refused unread.
    plate: StrictStr = Field(min_length=1, max_length=32, description="Dutch plate, e.g. 63-HK-HD or 63HKHD.")


class VehicleOut(BaseModel):
    plate: str = Field(description="As the registry keys it: upper case, no dashes.")
    make: str | None = Field(description="RDW merk; null when the registry has none.")
    model: str | None = Field(description="RDW handelsbenaming.")
    colour: str | None = Field(description="RDW eerste_kleur, in Dutch upper case (GRIJS, ZWART, ...).")


@router.post(
    "/vehicles/describe",
    responses={404: {"description": "Not in the vehicle registry"}, 422: {"description": "Not a plate"}},
)
async def post_describe(request: Request, _: Describer, body: DescribeIn) -> VehicleOut:
    """What the RDW registry says the vehicle looks like (reviewer, supervisor, admin)."""
    found = await describe_vehicle(body.plate, PostgresVehicleDescriptions(request.app.state.resources.engine))
    return VehicleOut(plate=found.plate, make=found.make, model=found.model, colour=found.colour)
