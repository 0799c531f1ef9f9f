"""A reviewer, faced with a possibly cloned plate, asks what the registry says the vehicle looks like:
make, model and colour beside the photo. A plate that cannot be one is refused before any lookup."""

from anpr_rules.domain.vehicle import PLATE_MAX, VehicleDescription, registry_plate
from anpr_rules.handlers.ports import VehicleDescriptions
from anpr_runtime import NotFound, PermanentError


async def describe_vehicle(text: str, descriptions: VehicleDescriptions) -> VehicleDescription:
    """Raises PermanentError (422) for a malformed plate, NotFound (404) for one not in the registry. The
    errors never repeat the plate: they reach logs and proxies, plates must not."""
    plate = registry_plate(text)
    if plate is None:
        raise PermanentError(f"not a plate: up to {PLATE_MAX} letters and digits (dashes and spaces are ignored)")
    found = await descriptions.describe(plate)
    if found is None:
        raise NotFound("this plate is not in the vehicle registry")
    return found
