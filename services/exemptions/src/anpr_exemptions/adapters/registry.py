"""The RDW vehicle registry, read from the table the rules service keeps (`rules.vehicles`, filled by
`anpr vehicles import`). Read-only and one primary-key lookup per application: the registry has one
owner (rules); exemptions only asks it what a plate is. Rules offers no route a service may ask for a
vehicle's category and fuels (POST /v1/vehicles/describe gives make, model and colour to reviewers), so
this reads the table; when rules offers one, an HTTP adapter with the same `lookup` replaces this."""

from typing import Protocol

from sqlalchemy import Column, Date, Integer, MetaData, String, Table, Text, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError, ProgrammingError
from sqlalchemy.ext.asyncio import AsyncEngine

from anpr_exemptions.domain.vehicle_checks import VehicleFacts
from anpr_runtime import RetriableError

# Only the columns read here, as rules' migrations define them.
_vehicles = Table(
    "vehicles",
    MetaData(schema="rules"),
    Column("plate", String(16), primary_key=True),
    Column("kind", String(60)),
    Column("category", String(10)),
    Column("first_admission", Date),
    Column("fuels", ARRAY(String(40))),
    Column("emission_class", Integer),
    Column("special_codes", ARRAY(Text)),
    Column("body_codes", ARRAY(Text)),
)


class RegistryUnavailable(RetriableError):
    """The vehicle registry cannot be read (answered 503 with Retry-After)."""

    retry_after_seconds = 30


class VehicleRegistry(Protocol):
    async def lookup(self, plate: str) -> VehicleFacts | None: ...


class PostgresVehicleRegistry:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def lookup(self, plate: str) -> VehicleFacts | None:
        try:
            async with self._engine.connect() as connection:
                row = (await connection.execute(select(_vehicles).where(_vehicles.c.plate == plate))).first()
        except (ProgrammingError, DBAPIError, OSError) as error:
            # No rules schema yet (rules never started here) or the database is away: nobody can tell
            # whether the vehicle exists, so nothing is decided.
            raise RegistryUnavailable(
                "the vehicle registry is unavailable; try again shortly (nothing was stored)"
            ) from error
        if row is None:
            return None
        return VehicleFacts(
            plate=row.plate,
            kind=row.kind,
            category=row.category,
            first_admission=row.first_admission,
            fuels=tuple(row.fuels or ()),
            emission_class=row.emission_class,
            special_codes=tuple(row.special_codes or ()),
            body_codes=tuple(row.body_codes or ()),
        )
