"""In-memory stand-ins for the permit counter's ports (same methods as the Postgres adapters)."""

from datetime import datetime
from types import SimpleNamespace

from anpr_exemptions.adapters.applications import StoredDocument
from anpr_exemptions.adapters.registry import RegistryUnavailable
from anpr_exemptions.domain.applications import OPEN, Application, ApplicationKind, Status, Step
from anpr_exemptions.domain.mail import Mail
from anpr_exemptions.domain.vehicle_checks import VehicleFacts
from anpr_runtime import Conflict


class FakeApplications:
    def __init__(self) -> None:
        self.applications: dict[str, Application] = {}
        self.steps_taken: list[Step] = []
        self.stored_documents: dict[str, list[StoredDocument]] = {}

    async def add(self, application: Application) -> None:
        for other in self.applications.values():  # the partial unique index uq_applications_open
            same = (other.applicant, other.plate, other.kind) == (
                application.applicant,
                application.plate,
                application.kind,
            )
            if same and other.status in OPEN:
                raise Conflict(
                    f"plate: you already have an open {application.kind} application for {application.plate}"
                )
        self.applications[application.application_id] = application

    async def get(
        self, application_id: str, applicant: str | None = None, for_update: bool = False
    ) -> Application | None:
        found = self.applications.get(application_id)
        return found if found is not None and applicant in (None, found.applicant) else None

    async def update(self, application: Application) -> None:
        self.applications[application.application_id] = application

    async def record(self, step: Step) -> None:
        self.steps_taken.append(step)

    async def steps(self, application_id: str) -> list[Step]:
        return [s for s in self.steps_taken if s.application_id == application_id]

    async def listed(
        self, applicant: str | None, status: Status | None, limit: int, kind: ApplicationKind | None = None
    ) -> list[Application]:
        return [
            a
            for a in self.applications.values()
            if applicant in (None, a.applicant) and status in (None, a.status) and kind in (None, a.kind)
        ][:limit]

    async def created_since(self, applicant: str, since: datetime) -> int:
        return sum(a.applicant == applicant and a.submitted_at >= since for a in self.applications.values())

    async def add_document(
        self, document_id: str, application_id: str, content_type: str, content: bytes, now: datetime
    ) -> None:
        row = SimpleNamespace(
            document_id=document_id,
            application_id=application_id,
            content_type=content_type,
            size=len(content),
            uploaded_at=now,
            content=content,
        )
        self.stored_documents.setdefault(application_id, []).append(StoredDocument(row, with_content=True))

    async def documents(self, application_id: str) -> list[StoredDocument]:
        return list(self.stored_documents.get(application_id, []))

    async def document(self, application_id: str, document_id: str) -> StoredDocument | None:
        return next((d for d in self.stored_documents.get(application_id, []) if d.document_id == document_id), None)


class FakeOutbox:
    def __init__(self) -> None:
        self.mails: list[Mail] = []

    async def put(self, mail: Mail, now: datetime) -> None:
        self.mails.append(mail)


class FakeRegistry:
    def __init__(self, *vehicles: VehicleFacts) -> None:
        self.vehicles = {v.plate: v for v in vehicles}
        self.up = True

    async def lookup(self, plate: str) -> VehicleFacts | None:
        if not self.up:
            raise RegistryUnavailable("the vehicle registry is unavailable; try again shortly (nothing was stored)")
        return self.vehicles.get(plate)
