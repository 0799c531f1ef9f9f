import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from anpr_ingest.adapters.claim_groups import looked_up
from anpr_ingest.adapters.frame_ledger import FrameLedger, keep_frames_for, marking_delivered
from anpr_ingest.adapters.frame_publisher import encode_event
from anpr_ingest.adapters.health import PostgresCameraHealthRepository
from anpr_ingest.adapters.health_tally import HealthTally, flushing
from anpr_ingest.adapters.publisher import BoundedPublisher
from anpr_ingest.adapters.site_cache import CachedSites, OnDemandSites, SiteCache
from anpr_ingest.adapters.token_cache import CameraTokenCache
from anpr_ingest.adapters.tokens import PostgresCameraTokenRepository
from anpr_ingest.config import IngestSettings
from anpr_ingest.domain.throttle import FailureThrottle
from anpr_ingest.domain.tokens import CameraToken
from anpr_ingest.handlers import FrameLimits, ReadPorts, purge_health
from anpr_runtime import RetriableError
from anpr_runtime.consumer import Handler
from anpr_runtime.publisher import KafkaEventPublisher
from anpr_runtime.service import Resources, ServiceSpec

SPEC = ServiceSpec(name="ingest", migrations_dir=Path(__file__).parent / "migrations")
PURGE_EVERY_SECONDS = 3600.0

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestComponents:
    """What the routes share, built once per app: `resources.component(IngestComponents)`."""

    settings: IngestSettings
    token_cache: CameraTokenCache
    site_cache: SiteCache
    frame_ledger: FrameLedger
    health_tally: HealthTally
    # Cameras, locations and placements from the site cache; a miss reads them on a connection of its own.
    sites: CachedSites
    # Frames encoded with their image spliced in (the same bytes, cheaper), every other event as usual;
    # a bounded wait, so a broker outage answers 503, not a hang.
    publisher: BoundedPublisher
    frame_limits: FrameLimits
    reads: ReadPorts
    # Refused tokens per client address: past its allowance an address is answered 429 without a look-up.
    refused_tokens: FailureThrottle


def bootstrap(resources: Resources) -> Handler | None:
    """Ingest only produces: no consumer loop. Its routes share a token cache, a site cache, a frame ledger
    and a camera health tally; loops mark frames delivered, flush the tally and purge old rows."""
    settings = resources.settings
    assert isinstance(settings, IngestSettings)
    site_cache = SiteCache(settings.site_cache_seconds)
    sites = CachedSites(OnDemandSites(resources.engine), site_cache)
    kafka = KafkaEventPublisher(resources.producer, settings.topic_prefix, encode=encode_event)
    publisher = BoundedPublisher(kafka, settings.publish_timeout_seconds)
    # A claimed frame id stays the claimant's for longer than its publish may take.
    lease = timedelta(seconds=settings.publish_timeout_seconds + 10)
    ledger = FrameLedger(settings.database_url, lease)
    tally = HealthTally()
    resources.components = IngestComponents(
        settings=settings,
        token_cache=CameraTokenCache(partial(_token_by_hash, resources.engine), settings.token_cache_seconds),
        site_cache=site_cache,
        frame_ledger=ledger,
        health_tally=tally,
        sites=sites,
        publisher=publisher,
        frame_limits=FrameLimits(
            settings.max_frame_bytes,
            settings.max_clock_skew_seconds,
            settings.max_frame_age_seconds,
            settings.max_frame_pixels,
        ),
        reads=ReadPorts(sites, publisher, settings.pseudonym_key.get_secret_value()),
        refused_tokens=FailureThrottle(settings.refused_tokens_burst, settings.refused_tokens_per_minute),
    )
    resources.background.append(marking_delivered(ledger))
    resources.background.append(flushing(tally, resources.engine, settings.health_flush_seconds))
    resources.background.append(
        _purging(
            resources.engine,
            timedelta(days=settings.health_retention_days),
            ledger,
            keep_frames_for(settings.max_frame_age_seconds),
        )
    )
    return None


async def _token_by_hash(engine: AsyncEngine, token_hash: str) -> CameraToken | None:
    # A token not cached yet (the first frame after a restart of ingest) is looked up: with PostgreSQL away
    # that is a 503 the camera retries, not a 500 (the fault suite's PostgreSQL kill found the 500).
    return await looked_up(_token_from_database(engine, token_hash))


async def _token_from_database(engine: AsyncEngine, token_hash: str) -> CameraToken | None:
    async with engine.connect() as connection:
        return await PostgresCameraTokenRepository(connection).token_by_hash(token_hash)


def _purging(
    engine: AsyncEngine, retention: timedelta, ledger: FrameLedger, frame_ids_for: timedelta
) -> Callable[[], Coroutine[Any, Any, None]]:
    """Camera health past its retention, and frame ids older than any retry of them can be."""

    async def purge_camera_health() -> None:
        while True:
            # Sleep first: a stop (which cancels this task) then nearly always meets the sleep, not a
            # database call, and a row a few hours past retention does no harm.
            await asyncio.sleep(PURGE_EVERY_SECONDS)
            try:
                now = datetime.now(UTC)
                async with engine.begin() as connection:
                    await purge_health(PostgresCameraHealthRepository(connection), now, retention)
                await ledger.forget_before(now - frame_ids_for)
            except (
                SQLAlchemyError,
                OSError,
                RetriableError,
            ) as exc:  # database down: the next round purges what this one left
                log.warning("camera health purge failed: %s", type(exc).__name__)

    return purge_camera_health
