"""Wires the notices service: candidates and correction answers from Kafka, the hourly purge, and what
the routes need (publisher for plate corrections, review rules)."""

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path

from aiokafka import ConsumerRecord

from anpr_contracts import CANDIDATES, CandidateRaised, ReadReevaluated, parse_event
from anpr_notices.adapters.candidates import PostgresCandidateRepository
from anpr_notices.adapters.retention import PostgresRetentionRepository
from anpr_notices.config import NoticesSettings
from anpr_notices.handlers import close_reevaluated, purge, store_candidate, store_candidates
from anpr_notices.handlers.review import ReviewRules
from anpr_runtime import PermanentError
from anpr_runtime.consumer import Handler, Hooked, Records
from anpr_runtime.publisher import KafkaEventPublisher
from anpr_runtime.service import Resources, ServiceSpec

log = logging.getLogger(__name__)
SPEC = ServiceSpec(name="notices", migrations_dir=Path(__file__).parent / "migrations", consumes=(CANDIDATES.name,))


def bootstrap(resources: Resources) -> Handler:
    settings = resources.settings
    assert isinstance(settings, NoticesSettings)
    key = settings.pseudonym_key.get_secret_value()
    publisher = KafkaEventPublisher(resources.producer, settings.topic_prefix)
    resources.extras["review"] = ReviewRules(settings.four_eyes, publisher, key)

    def events_of(records: Records) -> list[CandidateRaised | ReadReevaluated]:
        events: list[CandidateRaised | ReadReevaluated] = []
        for record in records:
            event = parse_event(record.value or b"")
            if not isinstance(event, CandidateRaised | ReadReevaluated):
                raise PermanentError(f"notices does not handle {event.event_type}")
            events.append(event)
        return events

    async def store(events: list[CandidateRaised | ReadReevaluated]) -> None:
        # All in one transaction: one message's, or a fetched batch's (a failed batch is retried message by
        # message by the runner). Plain candidates in a row are stored in one statement; a correction's
        # candidate or answer waits for those before it, so the order of the partition holds.
        async with resources.engine.begin() as connection:
            repo = PostgresCandidateRepository(connection)
            plain: list[CandidateRaised] = []
            for event in events:
                if isinstance(event, CandidateRaised) and not event.replaces:
                    plain.append(event)
                    continue
                await store_candidates(plain, repo, key, datetime.now(UTC))
                plain = []
                if isinstance(event, CandidateRaised):
                    await store_candidate(event, repo, key, datetime.now(UTC))
                else:
                    await close_reevaluated(event, repo, datetime.now(UTC))
            await store_candidates(plain, repo, key, datetime.now(UTC))

    async def handle(record: ConsumerRecord[bytes, bytes]) -> None:
        await store(events_of([record]))

    async def handle_batch(records: Records) -> None:
        await store(events_of(records))

    async def purge_hourly() -> None:
        while True:
            try:
                async with resources.engine.begin() as connection:
                    purged = await purge(datetime.now(UTC), settings.retention, PostgresRetentionRepository(connection))
                log.info("retention purge: %s", purged)
            except Exception as exc:  # keep the loop alive: the next run purges what this one could not
                log.warning("retention purge failed: %s", type(exc).__name__)
            await asyncio.sleep(settings.purge_interval_seconds)

    if settings.purge_interval_seconds > 0:
        resources.background.append(purge_hourly)
    return Hooked(handle, handle_batch=handle_batch)
