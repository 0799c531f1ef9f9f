"""Applications, their steps and documents in PostgreSQL (tables in application_tables.py)."""

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from anpr_exemptions.adapters.application_tables import application_documents, application_steps, applications
from anpr_exemptions.domain.applications import Application, ApplicationKind, Status, Step, StepAction
from anpr_runtime import Conflict

_COLUMN = {"day": "permit_day"}


class StoredDocument:
    def __init__(self, row: Any, with_content: bool) -> None:
        self.document_id: str = row.document_id
        self.application_id: str = row.application_id
        self.content_type: str = row.content_type
        self.size: int = row.size
        self.uploaded_at: datetime = row.uploaded_at
        self.content: bytes = bytes(row.content) if with_content else b""


def _application(row: Any) -> Application:
    values = dict(row._mapping)
    values["day"] = values.pop("permit_day")
    values["kind"] = ApplicationKind(values["kind"])
    values["status"] = Status(values["status"])
    return Application(**values)


def _columns(application: Application) -> dict[str, Any]:
    values = {name: getattr(application, name) for name in Application.__dataclass_fields__}
    values["kind"] = application.kind.value
    values["status"] = application.status.value
    return {_COLUMN.get(name, name): value for name, value in values.items()}


class ApplicationRepository(Protocol):
    async def add(self, application: Application) -> None: ...
    async def get(
        self, application_id: str, applicant: str | None = None, for_update: bool = False
    ) -> Application | None: ...
    async def update(self, application: Application) -> None: ...
    async def record(self, step: Step) -> None: ...
    async def steps(self, application_id: str) -> list[Step]: ...
    async def listed(
        self, applicant: str | None, status: Status | None, limit: int, kind: ApplicationKind | None = None
    ) -> list[Application]: ...
    async def created_since(self, applicant: str, since: datetime) -> int: ...
    async def add_document(
        self, document_id: str, application_id: str, content_type: str, content: bytes, now: datetime
    ) -> None: ...
    async def documents(self, application_id: str) -> list[StoredDocument]: ...
    async def document(self, application_id: str, document_id: str) -> StoredDocument | None: ...


class PostgresApplicationRepository:
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def add(self, application: Application) -> None:
        try:
            async with self._db.begin_nested():
                await self._db.execute(insert(applications).values(**_columns(application)))
        except IntegrityError as error:
            if "uq_applications_open" in str(error.orig):
                raise Conflict(
                    f"plate: you already have an open {application.kind} application for {application.plate}"
                ) from None
            raise

    async def get(
        self, application_id: str, applicant: str | None = None, for_update: bool = False
    ) -> Application | None:
        # Scoped to the applicant in SQL: another applicant's id reads exactly like an id that does not exist.
        query = select(applications).where(applications.c.application_id == application_id)
        if applicant is not None:
            query = query.where(applications.c.applicant == applicant)
        row = (await self._db.execute(query.with_for_update() if for_update else query)).first()
        return None if row is None else _application(row)

    async def update(self, application: Application) -> None:
        values = _columns(application)
        where = applications.c.application_id == application.application_id
        await self._db.execute(update(applications).where(where).values(**values))

    async def record(self, step: Step) -> None:
        await self._db.execute(
            insert(application_steps).values(
                application_id=step.application_id,
                at=step.at,
                actor=step.actor,
                actor_name=step.actor_name,
                from_status=None if step.from_status is None else step.from_status.value,
                to_status=step.to_status.value,
                reason=step.reason,
                action=step.action.value,
            )
        )

    async def steps(self, application_id: str) -> list[Step]:
        c = application_steps.c
        rows = await self._db.execute(
            select(application_steps).where(c.application_id == application_id).order_by(c.step_id)
        )
        return [
            Step(
                r.application_id,
                r.at,
                r.actor,
                r.actor_name,
                None if r.from_status is None else Status(r.from_status),
                Status(r.to_status),
                r.reason,
                StepAction(r.action),
            )
            for r in rows
        ]

    async def listed(
        self, applicant: str | None, status: Status | None, limit: int, kind: ApplicationKind | None = None
    ) -> list[Application]:
        c = applications.c
        query = select(applications)
        if applicant is not None:
            query = query.where(c.applicant == applicant)
        if status is not None:
            query = query.where(c.status == status.value)
        if kind is not None:  # the desk's queue of one kind: filtered here, so the limit counts only that kind
            query = query.where(c.kind == kind.value)
        # The desk's queue oldest first; an applicant's own list newest first.
        order = c.submitted_at.asc() if applicant is None else c.submitted_at.desc()
        return [_application(r) for r in await self._db.execute(query.order_by(order, c.application_id).limit(limit))]

    async def created_since(self, applicant: str, since: datetime) -> int:
        c = applications.c
        query = select(func.count()).where(and_(c.applicant == applicant, c.submitted_at >= since))
        return int((await self._db.execute(query)).scalar_one())

    async def add_document(
        self, document_id: str, application_id: str, content_type: str, content: bytes, now: datetime
    ) -> None:
        await self._db.execute(
            insert(application_documents).values(
                document_id=document_id,
                application_id=application_id,
                content_type=content_type,
                size=len(content),
                uploaded_at=now,
                content=content,
            )
        )

    async def documents(self, application_id: str) -> list[StoredDocument]:
        d = application_documents.c
        query = select(d.document_id, d.application_id, d.content_type, d.size, d.uploaded_at).where(
            d.application_id == application_id
        )
        return [StoredDocument(r, with_content=False) for r in await self._db.execute(query.order_by(d.uploaded_at))]

    async def document(self, application_id: str, document_id: str) -> StoredDocument | None:
        d = application_documents.c
        query = select(application_documents).where(d.application_id == application_id, d.document_id == document_id)
        row = (await self._db.execute(query)).first()
        return None if row is None else StoredDocument(row, with_content=True)
