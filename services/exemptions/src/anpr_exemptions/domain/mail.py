"""The status e-mail to an applicant: the application's number and status, nothing else (no plate, no
name, no reason: an e-mail crosses servers we do not control; the reason is read after signing in)."""

from dataclasses import dataclass
from html import escape

from anpr_exemptions.domain.applications import Application, Status

_STATUS_NL = {
    Status.SUBMITTED: "ingediend",
    Status.NEEDS_INFORMATION: "aanvulling nodig",
    Status.GRANTED: "verleend",
    Status.REFUSED: "afgewezen",
    Status.WITHDRAWN: "ingetrokken",
}


@dataclass(frozen=True)
class Mail:
    recipient: str
    subject: str
    text: str
    html: str


def status_mail(application: Application, counter_url: str) -> Mail:
    status = _STATUS_NL[application.status]
    number = application.number
    subject = f"Aanvraag {number}: {status}"
    text = (
        f"Uw aanvraag {number} is {status} (status: {application.status.value}).\n\n"
        f"Log in op het loket om de aanvraag te bekijken: {counter_url}\n\n"
        f"Your application {number} is now: {application.status.value}.\n"
    )
    html = (
        '<!doctype html><html lang="nl"><body>'
        f"<p>Uw aanvraag <strong>{escape(number)}</strong> is <strong>{escape(status)}</strong>.</p>"
        f'<p>Log in op het <a href="{escape(counter_url)}">loket</a> om de aanvraag te bekijken.</p>'
        f'<p lang="en">Your application {escape(number)} is now: {escape(application.status.value)}.</p>'
        "</body></html>"
    )
    return Mail(application.email, subject, text, html)
