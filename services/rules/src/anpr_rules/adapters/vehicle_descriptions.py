"""Make, model and colour of one registered vehicle, from PostgreSQL: a reviewer asks for one plate at a
time, so a primary-key lookup is enough and the in-memory index carries none of it."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from anpr_rules.adapters.tables import vehicles
from anpr_rules.domain.vehicle import VehicleDescription

_DESCRIBE = select(vehicles.c.plate, vehicles.c.make, vehicles.c.model, vehicles.c.colour)


class PostgresVehicleDescriptions:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def describe(self, plate: str) -> VehicleDescription | None:
        async with self._engine.connect() as connection:
            row = (await connection.execute(_DESCRIBE.where(vehicles.c.plate == plate))).one_or_none()
        return None if row is None else VehicleDescription(row.plate, row.make, row.model, row.colour)
