"""Status mails: written to the outbox in the change's transaction, sent over real SMTP (aiosmtpd), kept
and retried while the relay is down, with a plain-text and an HTML part and no personal data beyond the
application's number and status."""

import asyncio
import os
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import select

from anpr_exemptions.adapters.application_tables import mail_outbox
from anpr_exemptions.adapters.outbox import PostgresOutbox
from anpr_exemptions.adapters.smtp import SmtpSender
from anpr_exemptions.handlers.outbox import drain

from .counter import a_dutch_plate, as_applicant, counter_api, counter_settings, database, register


class Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        self.messages.append(message_from_bytes(bytes(raw), policy=policy.default))
        return "250 OK"


def a_free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def mail_subjects(directory: Path, number: str) -> set[str]:
    found = (path.read_bytes() for path in directory.glob("*.eml"))
    return {str(message_from_bytes(raw, policy=policy.default)["Subject"]) for raw in found if number.encode() in raw}


def application(plate: str) -> dict[str, Any]:
    return {"kind": "business", "plate": plate, "email": "loket-test@anpr.invalid", "details": "Bakkerij, laadplaats."}


async def queued_for(settings: Any, number: str) -> list[Any]:
    async with database(settings) as connection:
        rows = await connection.execute(select(mail_outbox).where(mail_outbox.c.subject.contains(number)))
        return list(rows)


async def drain_all(settings: Any, sender: SmtpSender, now: datetime) -> None:
    async with database(settings) as connection:
        await drain(PostgresOutbox(connection), sender.send, now, limit=10_000)


async def test_a_mail_waits_while_smtp_is_down_and_goes_when_it_is_back(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    settings = counter_settings(isolated)
    plate = await register(settings, a_dutch_plate())
    async with counter_api(settings, run_app) as api:
        made = (await api.post("/v1/applications", json=application(plate), headers=as_applicant("BUSINESS"))).json()
    number = made["number"]
    port = a_free_port()
    sender = SmtpSender("127.0.0.1", port, "vergunningen@gemeente.invalid", "none", timeout=3)
    now = datetime.now(UTC)

    await drain_all(settings, sender, now)  # nobody listens on the port: refused
    [waiting] = await queued_for(settings, number)
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        await drain_all(settings, sender, now + timedelta(seconds=1))  # still within the retry delay
        early = len([m for m in inbox.messages if number in m["Subject"]])
        await drain_all(settings, sender, now + timedelta(minutes=1))
    finally:
        controller.stop()

    assert waiting.attempts == 1
    assert "ConnectionRefusedError" in waiting.last_error
    assert early == 0, "a failed mail waits for its retry time"
    assert await queued_for(settings, number) == [], "sent, then deleted: the address is personal data"
    [mail] = [m for m in inbox.messages if number in m["Subject"]]
    assert mail["Subject"] == f"Aanvraag {number}: ingediend"
    assert mail["To"] == "loket-test@anpr.invalid"
    assert mail["Date"]
    assert mail["Message-ID"].endswith("@gemeente.invalid>")
    assert mail.get_content_type() == "multipart/alternative"
    text, html = mail.get_body(("plain",)), mail.get_body(("html",))
    assert text is not None
    assert html is not None
    assert number in text.get_content()
    assert number in html.get_content()
    whole = mail.as_string()
    for personal in (plate, "Bakkerij", "kvk:", "90000001"):
        assert personal not in whole


async def test_the_service_sends_status_mails_to_the_local_smtp_component(
    isolated: Callable[..., Any], run_app: Callable[..., Any]
) -> None:
    """Through the running app's background sender to deploy/local's smtp component (<run>/mail/*.eml)."""
    mail_dir = Path(os.environ["ANPR_MAIL_DIR"])
    settings = counter_settings(
        isolated,
        smtp_host="127.0.0.1",
        smtp_port=int(os.environ["ANPR_SMTP_PORT"]),
        smtp_tls="none",
        outbox_interval_seconds=0.2,
    )
    plate = await register(settings, a_dutch_plate())
    async with counter_api(settings, run_app) as api:
        made = (await api.post("/v1/applications", json=application(plate), headers=as_applicant("BUSINESS"))).json()
        await api.post(f"/v1/applications/{made['application_id']}/withdraw", headers=as_applicant("BUSINESS"))
        subjects: set[str] = set()
        for _ in range(100):
            subjects = await asyncio.to_thread(mail_subjects, mail_dir, made["number"])
            if len(subjects) == 2:
                break
            await asyncio.sleep(0.1)

    assert subjects == {f"Aanvraag {made['number']}: ingediend", f"Aanvraag {made['number']}: ingetrokken"}
