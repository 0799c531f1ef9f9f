"""Refused frames still count in camera health (the request's own transaction was rolled back)."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError

from anpr_ingest.bootstrap import IngestComponents
from anpr_ingest.domain.health import Outcome, refusal_of
from anpr_ingest.handlers import note_frame
from anpr_runtime import AnprError

log = logging.getLogger(__name__)


async def count_refusal(
    components: IngestComponents, camera_id: str, outcome: Outcome, captured_at: datetime | None, now: datetime
) -> None:
    try:
        await note_frame(camera_id, outcome, captured_at, now, components.sites, components.health_tally)
    except (SQLAlchemyError, OSError) as exc:
        # The client's answer is the refusal, not our bookkeeping: it keeps it, and the gap is logged.
        log.warning("refused frame not counted in camera health (%s): %s", outcome, type(exc).__name__)


@asynccontextmanager
async def counting_refusals(
    components: IngestComponents, camera_id: str, captured_at: datetime, now: datetime
) -> AsyncIterator[None]:
    try:
        yield
    except AnprError as exc:
        if (outcome := refusal_of(exc)) is not None:
            await count_refusal(components, camera_id, outcome, captured_at, now)
        raise
