"""Wires the exemptions service: the day-permit policy and the publisher its routes need, and the hourly
retention purge."""

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from anpr_contracts import EXEMPTIONS
from anpr_exemptions.adapters.outbox import PostgresOutbox
from anpr_exemptions.adapters.retention import PostgresRetentionRepository
from anpr_exemptions.adapters.smtp import SmtpSender
from anpr_exemptions.adapters.tombstones import KafkaTombstones, Tombstones
from anpr_exemptions.config import ExemptionsSettings
from anpr_exemptions.domain.permit import DayPermitPolicy
from anpr_exemptions.handlers import purge
from anpr_exemptions.handlers.outbox import drain
from anpr_runtime.consumer import Handler
from anpr_runtime.ports import Publisher
from anpr_runtime.publisher import KafkaEventPublisher
from anpr_runtime.service import Resources, ServiceSpec

log = logging.getLogger(__name__)
SPEC = ServiceSpec(name="exemptions", migrations_dir=Path(__file__).parent / "migrations")


@dataclass(frozen=True)
class ExemptionsComponents:
    """What the routes take from `Resources.component(ExemptionsComponents)`; built once per app."""

    policy: DayPermitPolicy
    publisher: Publisher
    pseudonym_key: str
    tombstones: Tombstones


def bootstrap(resources: Resources) -> Handler | None:
    """Exemptions serves its API, publishes changes and purges what is past retention: no consumer loop."""
    settings = resources.settings
    assert isinstance(settings, ExemptionsSettings)
    resources.components = ExemptionsComponents(
        policy=DayPermitPolicy(
            municipality=settings.municipality,
            per_year=settings.day_permits_per_year,
            ends_next_day_at=settings.day_permit_ends_next_day_at,
        ),
        publisher=KafkaEventPublisher(resources.producer, settings.topic_prefix),
        pseudonym_key=settings.pseudonym_key.get_secret_value(),
        tombstones=KafkaTombstones(resources.producer, settings.topic(EXEMPTIONS.name)),
    )

    async def purge_hourly() -> None:
        tombstones = resources.component(ExemptionsComponents).tombstones
        while True:
            try:
                async with resources.engine.begin() as connection:
                    repo = PostgresRetentionRepository(connection)
                    purged = await purge(datetime.now(UTC), settings.retention, repo, tombstones)
                log.info("retention purge: %s", purged)
            except Exception as exc:  # keep the loop alive: the next run purges what this one could not
                log.warning("retention purge failed: %s", type(exc).__name__)
            await asyncio.sleep(settings.purge_interval_seconds)

    if settings.purge_interval_seconds > 0:
        resources.background.append(purge_hourly)
    if settings.smtp_host and settings.outbox_interval_seconds > 0:
        resources.background.append(_mail_sender(resources, settings))
    return None


def smtp_sender(settings: ExemptionsSettings) -> SmtpSender:
    return SmtpSender(
        settings.smtp_host,
        settings.smtp_port,
        settings.smtp_from,
        settings.smtp_tls,
        settings.smtp_username,
        settings.smtp_password.get_secret_value(),
    )


def _mail_sender(resources: Resources, settings: ExemptionsSettings) -> Callable[[], Coroutine[Any, Any, None]]:
    """Drains the status-mail outbox every few seconds; a relay that is down only delays the mails."""
    sender = smtp_sender(settings)

    async def send_mails() -> None:
        while True:
            try:
                async with resources.engine.begin() as connection:
                    await drain(PostgresOutbox(connection), sender.send, datetime.now(UTC))
            except Exception as exc:  # the database away: the next round tries again, the mails stay queued
                log.warning("status mails: %s", type(exc).__name__)
            await asyncio.sleep(settings.outbox_interval_seconds)

    return send_mails
