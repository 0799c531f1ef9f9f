"""What every step of an application ends with: stored with its step row, an ApplicationChanged (ids and
status only) and a status mail in the outbox, all in the caller's one transaction; a grant first issues
the permit exactly as the desk does."""

from dataclasses import replace
from datetime import datetime

from anpr_contracts import APPLICATIONS, ApplicationChanged
from anpr_exemptions.domain.applications import Application, Status, Step, move
from anpr_exemptions.domain.audit import Actor
from anpr_exemptions.domain.mail import status_mail
from anpr_exemptions.domain.model import Exemption
from anpr_exemptions.handlers.counter_ports import CounterPorts
from anpr_exemptions.handlers.grant import grant
from anpr_runtime import NotFound


async def grant_application(
    application: Application, permit: Exemption, actor: Actor, now: datetime, ports: CounterPorts
) -> Application:
    await grant(permit, actor, now, ports.permits)  # the quota's lock and count, audit, anpr.exemptions.v1
    moved, step = move(application, Status.GRANTED, actor.subject, actor.name, now)
    moved = replace(moved, exemption_id=permit.exemption_id)
    await store_step(application, moved, step, ports, now)
    return moved


async def store_step(before: Application, after: Application, made: Step, ports: CounterPorts, now: datetime) -> None:
    await ports.applications.update(after)
    await ports.applications.record(made)
    await announce(after, before.status, ports, now)


async def announce(application: Application, previous: Status | None, ports: CounterPorts, now: datetime) -> None:
    event = ApplicationChanged(
        application_id=application.application_id,
        kind=application.kind.value,
        status=application.status.value,
        previous_status=None if previous is None else previous.value,
        exemption_id=application.exemption_id,
    )
    await ports.outbox.put(status_mail(application, ports.counter_url), now)
    await ports.permits.publisher.publish(APPLICATIONS.name, application.application_id, event)


async def current(application_id: str, applicant: str | None, ports: CounterPorts) -> Application:
    found = await ports.applications.get(application_id, applicant, for_update=True)
    if found is None:
        raise NotFound(f"application {application_id} not found")
    return found
