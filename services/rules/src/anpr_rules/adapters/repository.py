from datetime import datetime
from typing import Protocol

from sqlalchemy import and_, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from anpr_contracts import ExemptionChanged
from anpr_rules.adapters.tables import exemption_index, outcome_counts, vehicles
from anpr_rules.domain.vehicle import Vehicle


class RulesRepository(Protocol):
    async def vehicle(self, plate: str) -> Vehicle | None: ...
    async def is_exempt(self, plate_key: str, regime_id: str, moment: datetime, kinds: tuple[str, ...]) -> bool: ...
    async def index_exemption(self, change: ExemptionChanged) -> None: ...
    async def count(self, regime_id: str, location_id: str, hour: datetime, outcome: str) -> None: ...


class PostgresRulesRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def vehicle(self, plate: str) -> Vehicle | None:
        row = (await self._db.execute(select(vehicles).where(vehicles.c.plate == plate))).first()
        if row is None:
            return None
        return Vehicle(
            plate=row.plate,
            kind=row.kind,
            category=row.category,
            first_admission=row.first_admission,
            max_mass_kg=row.max_mass_kg,
            empty_mass_kg=row.empty_mass_kg,
            fuels=tuple(row.fuels),
            registered_emission_class=row.emission_class,
        )

    async def is_exempt(self, plate_key: str, regime_id: str, moment: datetime, kinds: tuple[str, ...]) -> bool:
        """Kinds: those the regime admits; empty means any kind."""
        query = select(func.count()).where(
            exemption_index.c.kind.in_(kinds) if kinds else exemption_index.c.kind.is_not(None),
            exemption_index.c.plate_key == plate_key,
            exemption_index.c.revoked.is_(False),
            exemption_index.c.valid_from <= moment,
            or_(exemption_index.c.valid_until.is_(None), exemption_index.c.valid_until > moment),
            or_(exemption_index.c.regimes == [], exemption_index.c.regimes.any(regime_id)),
        )
        return bool((await self._db.execute(query)).scalar_one())

    async def index_exemption(self, change: ExemptionChanged) -> None:
        values = {
            "plate_key": change.plate_key,
            "kind": change.kind,
            "regimes": list(change.regimes),
            "valid_from": change.valid_from,
            "valid_until": change.valid_until,
            "revoked": change.revoked,
        }
        await self._db.execute(
            pg_insert(exemption_index)
            .values(exemption_id=change.exemption_id, **values)
            .on_conflict_do_update(index_elements=[exemption_index.c.exemption_id], set_=values)
        )

    async def count(self, regime_id: str, location_id: str, hour: datetime, outcome: str) -> None:
        statement = pg_insert(outcome_counts).values(
            regime_id=regime_id, location_id=location_id, hour=hour, outcome=outcome, count=1
        )
        await self._db.execute(
            statement.on_conflict_do_update(
                index_elements=[c for c in outcome_counts.primary_key.columns],
                set_={"count": outcome_counts.c.count + 1},
            )
        )


__all__ = ["PostgresRulesRepository", "RulesRepository", "and_"]
