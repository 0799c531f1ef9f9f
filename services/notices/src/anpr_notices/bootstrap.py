"""Wires the notices service: candidates and correction answers from Kafka, the hourly purge, and what
the routes need (`NoticesComponents`: the review rules with the publisher for plate corrections)."""

import asyncio
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from aiokafka import ConsumerRecord

from anpr_contracts import CANDIDATES, CandidateRaised, ReadReevaluated
from anpr_notices.adapters.candidates import PostgresCandidateRepository
from anpr_notices.adapters.retention import PostgresRetentionRepository
from anpr_notices.config import NoticesSettings
from anpr_notices.handlers import Intake, ReviewRules, purge, take_answer, take_candidate
from anpr_runtime.consumer import Handler, Hooked, Records
from anpr_runtime.dispatch import Dispatch
from anpr_runtime.publisher import KafkaEventPublisher
from anpr_runtime.service import Resources, ServiceSpec

log = logging.getLogger(__name__)
SPEC = ServiceSpec(name="notices", migrations_dir=Path(__file__).parent / "migrations", consumes=(CANDIDATES.name,))
INTAKE = Dispatch[Intake]("notices").on(CandidateRaised, take_candidate).on(ReadReevaluated, take_answer)


@dataclass(frozen=True)
class NoticesComponents:
    """What the routes get from the bootstrap: `resources.component(NoticesComponents)`."""

    review: ReviewRules


def bootstrap(resources: Resources) -> Handler:
    settings = resources.settings
    assert isinstance(settings, NoticesSettings)
    key = settings.pseudonym_key.get_secret_value()
    publisher = KafkaEventPublisher(resources.producer, settings.topic_prefix)
    resources.components = NoticesComponents(review=ReviewRules(settings.four_eyes, publisher, key))

    async def store(records: Records) -> None:
        events = [event for _, event in INTAKE.parse_all(records)]
        # All in one transaction: one message's, or a fetched batch's (a failed batch is retried message by
        # message by the runner).
        async with resources.engine.begin() as connection:
            intake = Intake(PostgresCandidateRepository(connection), key)
            for event in events:
                await INTAKE.handle(event, intake)
            await intake.flush()

    async def handle(record: ConsumerRecord[bytes, bytes]) -> None:
        await store([record])

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
    return Hooked(handle, handle_batch=store)
