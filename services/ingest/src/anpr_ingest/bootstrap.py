import asyncio
import logging
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from anpr_ingest.adapters.frame_ledger import FrameLedger, keep_frames_for, marking_delivered
from anpr_ingest.adapters.health import PostgresCameraHealthRepository
from anpr_ingest.adapters.health_tally import HealthTally, flushing
from anpr_ingest.adapters.site_cache import SiteCache
from anpr_ingest.adapters.token_cache import CameraTokenCache
from anpr_ingest.adapters.tokens import PostgresCameraTokenRepository
from anpr_ingest.camera_health import purge_health
from anpr_ingest.config import IngestSettings
from anpr_ingest.domain.tokens import CameraToken
from anpr_runtime import RetriableError
from anpr_runtime.consumer import Handler
from anpr_runtime.service import Resources, ServiceSpec

SPEC = ServiceSpec(name="ingest", migrations_dir=Path(__file__).parent / "migrations")
PURGE_EVERY_SECONDS = 3600.0
TOKEN_CACHE = "camera_tokens"  # noqa: S105 - the key of the cache in Resources.extras, no secret
SITE_CACHE = "sites"
FRAME_LEDGER = "frame_ledger"
HEALTH_TALLY = "camera_health"

log = logging.getLogger(__name__)


def bootstrap(resources: Resources) -> Handler | None:
    """Ingest only produces: no consumer loop. Its routes share a token cache, a site cache and a camera
    health tally; loops flush the tally and purge old health rows."""
    settings = resources.settings
    assert isinstance(settings, IngestSettings)
    resources.extras[TOKEN_CACHE] = CameraTokenCache(
        partial(_token_by_hash, resources.engine), settings.token_cache_seconds
    )
    resources.extras[SITE_CACHE] = SiteCache(settings.site_cache_seconds)
    # A claimed frame id stays the claimant's for longer than its publish may take.
    lease = timedelta(seconds=settings.publish_timeout_seconds + 10)
    ledger = resources.extras[FRAME_LEDGER] = FrameLedger(settings.database_url, lease)
    resources.background.append(marking_delivered(ledger))
    tally = resources.extras[HEALTH_TALLY] = HealthTally()
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
