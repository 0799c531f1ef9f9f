"""Status e-mails waiting for the relay, in the transaction of the change that caused them: a mail is
never lost to an SMTP outage, and never sent for a change that rolled back."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from anpr_exemptions.adapters.application_tables import mail_outbox
from anpr_exemptions.domain.mail import Mail

MAX_BACKOFF = timedelta(minutes=30)


@dataclass(frozen=True)
class QueuedMail:
    mail_id: int
    mail: Mail
    attempts: int


class Outbox(Protocol):
    async def put(self, mail: Mail, now: datetime) -> None: ...


class PostgresOutbox:
    def __init__(self, connection: AsyncConnection) -> None:
        self._db = connection

    async def put(self, mail: Mail, now: datetime) -> None:
        await self._db.execute(
            insert(mail_outbox).values(
                recipient=mail.recipient,
                subject=mail.subject,
                text_body=mail.text,
                html_body=mail.html,
                created_at=now,
                next_attempt_at=now,
            )
        )

    async def due(self, now: datetime, limit: int) -> list[QueuedMail]:
        """Locked until the caller's transaction ends; SKIP LOCKED lets several instances drain at once."""
        c = mail_outbox.c
        query = (
            select(mail_outbox)
            .where(c.next_attempt_at <= now)
            .order_by(c.mail_id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [
            QueuedMail(r.mail_id, Mail(r.recipient, r.subject, r.text_body, r.html_body), r.attempts)
            for r in await self._db.execute(query)
        ]

    async def sent(self, mail_id: int) -> None:
        await self._db.execute(delete(mail_outbox).where(mail_outbox.c.mail_id == mail_id))

    async def failed(self, queued: QueuedMail, now: datetime, error: str) -> None:
        backoff = min(MAX_BACKOFF, timedelta(seconds=5 * 2**queued.attempts))
        await self._db.execute(
            update(mail_outbox)
            .where(mail_outbox.c.mail_id == queued.mail_id)
            .values(attempts=queued.attempts + 1, next_attempt_at=now + backoff, last_error=error[:200])
        )
