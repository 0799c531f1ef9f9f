"""The permit counter's API: applicants apply and follow their applications; the permit desk works the
queue. Plates travel in bodies, never in URLs."""

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from anpr_exemptions.domain.applications import ApplicationKind, Status
from anpr_exemptions.domain.errors import Coded, InvalidExemption, RefusalCode
from anpr_exemptions.domain.local_time import LOCAL
from anpr_exemptions.entrypoints.application_schemas import (
    AnswerIn,
    ApplicationIn,
    ApplicationOut,
    DecisionIn,
    DocumentOut,
    VehicleCheckIn,
    VehicleChecksOut,
)
from anpr_exemptions.entrypoints.counter_deps import (
    Applicant,
    ApplicantOrDesk,
    Cashier,
    Desk,
    StaffPurpose,
    counter,
    is_staff,
    own_scope,
)
from anpr_exemptions.entrypoints.deps import actor_of, settings
from anpr_exemptions.entrypoints.views import ExemptionOut
from anpr_exemptions.handlers import applications as use
from anpr_exemptions.handlers.quota import day_permits_used
from anpr_runtime import NotFound, PermanentError

router = APIRouter(prefix="/v1/applications", tags=["applications"])


class TooLarge(Coded, PermanentError):
    status_code = 413
    default_code = RefusalCode.DOCUMENT_TOO_LARGE


@router.post("/vehicle-check")
async def post_vehicle_check(
    request: Request, who: ApplicantOrDesk, purpose: StaffPurpose, body: VehicleCheckIn
) -> VehicleChecksOut:
    """What the registry says about the vehicle, and whether it is exempt without an application."""
    now = datetime.now(UTC)
    async with counter(request) as ports:
        checks = await use.check_vehicle(body.plate, body.country, now, ports)
        await use.log_staff_read(ports, now, actor_of(who), "vehicle_check", purpose, [], checks.plate)
        left = None
        if checks.day_permit_needed:
            year = now.astimezone(LOCAL).year
            left = (await day_permits_used(checks.plate, year, ports.permits.repo, ports.permits.policy)).left
    return VehicleChecksOut.of(checks, left)


@router.post("", status_code=status.HTTP_201_CREATED)
async def post_application(request: Request, who: Applicant, body: ApplicationIn) -> ApplicationOut:
    """Apply. A day permit is granted at once (or refused with nothing stored); the others wait for the desk."""
    asked = use.NewApplication(body.kind, body.plate, body.country, body.email, body.day, body.details)
    async with counter(request) as ports:
        made = await use.apply(asked, actor_of(who), datetime.now(UTC), ports)
        steps = await ports.applications.steps(made.application_id)
    return ApplicationOut.of(made, False, steps)


@router.get("")
async def get_applications(
    request: Request,
    who: ApplicantOrDesk,
    purpose: StaffPurpose,
    status_is: Annotated[Status | None, Query(alias="status")] = None,
    kind: ApplicationKind | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[ApplicationOut]:
    """An applicant's own applications (newest first); for the desk every applicant's, oldest first."""
    async with counter(request) as ports:
        found = await ports.applications.listed(own_scope(who), status_is, limit, kind)
        await use.log_staff_read(ports, datetime.now(UTC), actor_of(who), "applications", purpose, found)
    return [ApplicationOut.of(a, is_staff(who)) for a in found]


@router.get("/permits")
async def get_my_permits(request: Request, who: Applicant) -> list[ExemptionOut]:
    """The permits granted on the applicant's own applications."""
    async with counter(request) as ports:
        granted = await ports.applications.listed(who.subject, Status.GRANTED, 500)
        permits = [await ports.permits.repo.get(a.exemption_id) for a in granted if a.exemption_id]
    return [ExemptionOut.of(p) for p in permits if p is not None]


@router.get("/{application_id}")
async def get_application(
    request: Request, who: ApplicantOrDesk, purpose: StaffPurpose, application_id: UUID
) -> ApplicationOut:
    async with counter(request) as ports:
        found = await ports.applications.get(str(application_id), own_scope(who))
        if found is None:
            raise NotFound(f"application {application_id} not found")
        await use.log_staff_read(ports, datetime.now(UTC), actor_of(who), "application", purpose, [found])
        steps = await ports.applications.steps(found.application_id)
        documents = await ports.applications.documents(found.application_id)
    return ApplicationOut.of(found, is_staff(who), steps, documents)


@router.post("/{application_id}/documents", status_code=status.HTTP_201_CREATED)
async def post_document(request: Request, who: Applicant, application_id: UUID) -> DocumentOut:
    """The raw bytes of one PDF or JPEG as the body; its type is read from its content."""
    limit = settings(request).counter.max_document_bytes
    content = bytearray()
    async for chunk in request.stream():
        content += chunk
        if len(content) > limit:
            raise TooLarge(f"document: at most {limit} bytes", limit=limit)
    if not content:
        raise InvalidExemption("document: the body is empty; send the file's bytes", RefusalCode.DOCUMENT_EMPTY)
    now = datetime.now(UTC)
    async with counter(request) as ports:
        document_id, content_type = await use.attach(str(application_id), who.subject, bytes(content), now, ports)
    return DocumentOut(document_id=document_id, content_type=content_type, size=len(content), uploaded_at=now)


@router.get("/{application_id}/documents/{document_id}")
async def get_document(
    request: Request, who: ApplicantOrDesk, purpose: StaffPurpose, application_id: UUID, document_id: UUID
) -> Response:
    async with counter(request) as ports:
        owned = await ports.applications.get(str(application_id), own_scope(who))
        found = None if owned is None else await ports.applications.document(str(application_id), str(document_id))
        if owned is not None and found is not None:
            await use.log_staff_read(ports, datetime.now(UTC), actor_of(who), "application_document", purpose, [owned])
    if found is None:
        raise NotFound(f"document {document_id} not found")
    # Served as an attachment, never rendered inline by the browser on the console's origin.
    headers = {"Content-Disposition": f'attachment; filename="{document_id}"', "X-Content-Type-Options": "nosniff"}
    return Response(found.content, media_type=found.content_type, headers=headers)


@router.post("/{application_id}/decision")
async def post_decision(request: Request, who: Desk, application_id: UUID, body: DecisionIn) -> ApplicationOut:
    now = datetime.now(UTC)
    async with counter(request) as ports:
        if body.decision == "grant":
            if body.valid_from is None:
                raise InvalidExemption("valid_from: a grant needs the start of the permit")
            scope = use.Scope(body.valid_from, body.valid_until, tuple(body.regimes), tuple(body.zones))
            decided = await use.decide_grant(str(application_id), scope, actor_of(who), now, ports)
        else:
            to = Status.REFUSED if body.decision == "refuse" else Status.NEEDS_INFORMATION
            decided = await use.advance(str(application_id), to, actor_of(who), now, ports, body.reason)
        steps = await ports.applications.steps(decided.application_id)
    return ApplicationOut.of(decided, True, steps)


@router.post("/{application_id}/withdraw")
async def post_withdraw(request: Request, who: Applicant, application_id: UUID) -> ApplicationOut:
    async with counter(request) as ports:
        moved = await use.advance(
            str(application_id), Status.WITHDRAWN, actor_of(who), datetime.now(UTC), ports, applicant=who.subject
        )
    return ApplicationOut.of(moved, False)


@router.post("/{application_id}/resubmit")
async def post_resubmit(request: Request, who: Applicant, application_id: UUID, body: AnswerIn) -> ApplicationOut:
    """After the desk asked for information: the answer (and any documents uploaded meanwhile) go back to the queue."""
    async with counter(request) as ports:
        moved = await use.advance(
            str(application_id), Status.SUBMITTED, actor_of(who), datetime.now(UTC), ports, body.answer, who.subject
        )
    return ApplicationOut.of(moved, False)


@router.post("/{application_id}/paid")
async def post_paid(request: Request, who: Cashier, application_id: UUID) -> ApplicationOut:
    """The payment arrived (the desk, or the payment provider's integration with a service token)."""
    async with counter(request) as ports:
        paid = await use.mark_paid(str(application_id), actor_of(who), datetime.now(UTC), ports)
        steps = await ports.applications.steps(paid.application_id)
    return ApplicationOut.of(paid, True, steps)
