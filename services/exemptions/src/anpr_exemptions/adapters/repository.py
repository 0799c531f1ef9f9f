from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from anpr_exemptions.adapters.tables import audit, exemptions
from anpr_exemptions.domain.model import Exemption, ExemptionKind


class ExemptionRepository(Protocol):
    async def add(self, exemption: Exemption) -> None: ...
    async def get(self, exemption_id: str) -> Exemption | None: ...
    async def revoke(self, exemption_id: str) -> None: ...
    async def of_plate(self, plate: str) -> list[Exemption]: ...
    async def record(self, at: datetime, actor: str, action: str, exemption_id: str) -> None: ...


def _exemption(row: Any) -> Exemption:
    return Exemption(
        exemption_id=row.exemption_id,
        plate=row.plate,
        kind=ExemptionKind(row.kind),
        regimes=tuple(row.regimes),
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        reference=row.reference,
        issuer=row.issuer,
        revoked=row.revoked,
    )


class PostgresExemptionRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def add(self, exemption: Exemption) -> None:
        await self._db.execute(
            insert(exemptions).values(
                exemption_id=exemption.exemption_id,
                plate=exemption.plate,
                kind=exemption.kind,
                regimes=list(exemption.regimes),
                valid_from=exemption.valid_from,
                valid_until=exemption.valid_until,
                reference=exemption.reference,
                issuer=exemption.issuer,
                revoked=exemption.revoked,
            )
        )

    async def get(self, exemption_id: str) -> Exemption | None:
        row = (await self._db.execute(select(exemptions).where(exemptions.c.exemption_id == exemption_id))).first()
        return None if row is None else _exemption(row)

    async def revoke(self, exemption_id: str) -> None:
        await self._db.execute(update(exemptions).where(exemptions.c.exemption_id == exemption_id).values(revoked=True))

    async def of_plate(self, plate: str) -> list[Exemption]:
        rows = await self._db.execute(select(exemptions).where(exemptions.c.plate == plate))
        return [_exemption(r) for r in rows]

    async def record(self, at: datetime, actor: str, action: str, exemption_id: str) -> None:
        await self._db.execute(insert(audit).values(at=at, actor=actor, action=action, exemption_id=exemption_id))
