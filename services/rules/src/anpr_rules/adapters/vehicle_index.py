"""The vehicle registry in memory: judging a read needs no database round trip."""

import gc
import logging

from sqlalchemy.ext.asyncio import AsyncEngine

from anpr_rules.adapters.vehicle_store import stream_vehicles
from anpr_rules.domain.vehicle import Vehicle

log = logging.getLogger(__name__)


class InMemoryVehicleIndex:
    def __init__(self, vehicles: dict[str, Vehicle] | None = None) -> None:
        self._vehicles = vehicles or {}

    def get(self, plate: str) -> Vehicle | None:
        return self._vehicles.get(plate)

    def all(self) -> list[Vehicle]:
        """Every vehicle (the what-if forecast samples the registry's mix; reads are never sampled)."""
        return list(self._vehicles.values())

    def __len__(self) -> int:
        return len(self._vehicles)

    async def load(self, engine: AsyncEngine) -> int:
        """Build a new dict and swap it in: reads go on against the old one meanwhile."""
        # A million long-lived objects would trigger a dozen full collections while loading; none can be
        # garbage (they all end up in the dict), so collection waits until the index is built.
        gc.disable()
        try:
            fresh = {vehicle.plate: vehicle async for vehicle in stream_vehicles(engine)}
        finally:
            gc.enable()
        self._vehicles = fresh
        log.info("vehicle index loaded: %d vehicles", len(fresh))
        return len(fresh)
