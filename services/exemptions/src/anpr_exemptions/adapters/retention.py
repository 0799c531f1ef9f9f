from typing import Protocol

from sqlalchemy import ColumnElement, and_, delete, exists, or_
from sqlalchemy.ext.asyncio import AsyncConnection

from anpr_exemptions.adapters.application_tables import application_documents, applications
from anpr_exemptions.adapters.tables import audit, exemptions, read_log
from anpr_exemptions.domain.model import ExemptionKind
from anpr_exemptions.domain.retention import Cutoffs


class RetentionRepository(Protocol):
    async def delete_expired(self, cutoffs: Cutoffs) -> list[str]: ...
    async def delete_revoked(self, cutoffs: Cutoffs) -> list[str]: ...
    async def delete_read_log(self, cutoffs: Cutoffs) -> int: ...
    async def delete_application_documents(self, cutoffs: Cutoffs) -> int: ...
    async def delete_applications(self, cutoffs: Cutoffs) -> int: ...


class PostgresRetentionRepository:
    """Each delete takes the permits' audit trails with them (same transaction) and returns their ids."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def delete_expired(self, cutoffs: Cutoffs) -> list[str]:
        c = exemptions.c
        ended = and_(
            c.valid_until < cutoffs.expired_before,
            or_(c.kind != ExemptionKind.DAY_PERMIT.value, c.permit_day < cutoffs.day_permits_before),
        )
        return await self._delete(ended)

    async def delete_revoked(self, cutoffs: Cutoffs) -> list[str]:
        # Revoking always writes its audit row in the same transaction: that row dates the revocation.
        revoked_then = exists().where(
            audit.c.exemption_id == exemptions.c.exemption_id,
            audit.c.action == "revoke",
            audit.c.at < cutoffs.revoked_before,
        )
        return await self._delete(and_(exemptions.c.revoked.is_(True), revoked_then))

    async def delete_read_log(self, cutoffs: Cutoffs) -> int:
        result = await self._db.execute(delete(read_log).where(read_log.c.at < cutoffs.read_log_before))
        return int(result.rowcount)

    async def delete_application_documents(self, cutoffs: Cutoffs) -> int:
        """Documents are kept only as long as their application needs them: until N days after its decision."""
        if cutoffs.documents_decided_before is None:
            return 0
        decided = (
            applications.c.application_id == application_documents.c.application_id,
            applications.c.decided_at < cutoffs.documents_decided_before,
        )
        result = await self._db.execute(delete(application_documents).where(exists().where(*decided)))
        return int(result.rowcount)

    async def delete_applications(self, cutoffs: Cutoffs) -> int:
        """A decided application (its steps and documents with it) as long as an ended permit is kept."""
        condition = applications.c.decided_at < cutoffs.expired_before
        return int((await self._db.execute(delete(applications).where(condition))).rowcount)

    async def _delete(self, condition: ColumnElement[bool]) -> list[str]:
        gone = await self._db.execute(delete(exemptions).where(condition).returning(exemptions.c.exemption_id))
        ids = [r.exemption_id for r in gone]
        if ids:
            await self._db.execute(delete(audit).where(audit.c.exemption_id.in_(ids)))
        return ids
