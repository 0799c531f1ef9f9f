"""Draining the status-mail outbox: each due mail is sent, then deleted; a failure is kept with a
growing delay (5 s, 10 s, ... at most 30 min) and tried again: nothing is dropped."""

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from anpr_exemptions.adapters.outbox import PostgresOutbox
from anpr_exemptions.domain.mail import Mail

log = logging.getLogger(__name__)


async def drain(
    outbox: PostgresOutbox, send: Callable[[Mail], Awaitable[None]], now: datetime, limit: int = 20
) -> dict[str, int]:
    sent = failed = 0
    for queued in await outbox.due(now, limit):
        try:
            await send(queued.mail)
        except Exception as error:  # any refusal of the relay: the mail stays and is tried again
            await outbox.failed(queued, now, f"{type(error).__name__}: {error}")
            failed += 1
            continue
        await outbox.sent(queued.mail_id)
        sent += 1
    if failed:
        log.warning("status mails: %d sent, %d kept for a retry", sent, failed)
    return {"sent": sent, "failed": failed}
