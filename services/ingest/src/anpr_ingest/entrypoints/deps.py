"""What every ingest route needs: the service's resources, its ports and the roles that may call it.

Frames and reads take a `Sender` instead of a role (entrypoints/senders.py): camera tokens live in the database."""

from typing import Annotated

from fastapi import Depends, Request

from anpr_ingest.adapters.frame_ledger import FrameClaims, FrameLedger
from anpr_ingest.adapters.frame_publisher import encode_event
from anpr_ingest.adapters.health_tally import HealthTally
from anpr_ingest.adapters.publisher import BoundedPublisher
from anpr_ingest.adapters.site_cache import CachedSites, FrameStore, OnDemandSites, SiteCache
from anpr_ingest.adapters.token_cache import CameraTokenCache
from anpr_ingest.bootstrap import FRAME_LEDGER, HEALTH_TALLY, SITE_CACHE, TOKEN_CACHE
from anpr_ingest.camera_health import FramePorts
from anpr_ingest.config import IngestSettings
from anpr_runtime.auth import Principal, Role, require_roles
from anpr_runtime.publisher import KafkaEventPublisher
from anpr_runtime.service import Resources

Admin = Annotated[Principal, Depends(require_roles())]
Operator = Annotated[Principal, Depends(require_roles(Role.OPERATOR, Role.SUPERVISOR))]


def resources_of(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources


def settings_of(resources: Resources) -> IngestSettings:
    assert isinstance(resources.settings, IngestSettings)
    return resources.settings


def token_cache_of(resources: Resources) -> CameraTokenCache:
    cache: CameraTokenCache = resources.extras[TOKEN_CACHE]
    return cache


def site_cache_of(resources: Resources) -> SiteCache:
    cache: SiteCache = resources.extras[SITE_CACHE]
    return cache


def health_tally_of(resources: Resources) -> HealthTally:
    tally: HealthTally = resources.extras[HEALTH_TALLY]
    return tally


def sites(resources: Resources) -> CachedSites:
    """Cameras, locations and placements from the cache; a miss reads them on a connection of its own."""
    return CachedSites(OnDemandSites(resources.engine), site_cache_of(resources))


def frame_ledger_of(resources: Resources) -> FrameLedger:
    ledger: FrameLedger = resources.extras[FRAME_LEDGER]
    return ledger


def publisher_of(resources: Resources) -> BoundedPublisher:
    """Frames encoded with their image spliced in (the same bytes, cheaper), every other event as usual."""
    settings = settings_of(resources)
    kafka = KafkaEventPublisher(resources.producer, settings.topic_prefix, encode=encode_event)
    return BoundedPublisher(kafka, settings.publish_timeout_seconds)


def frame_ports(resources: Resources, claims: FrameClaims) -> FramePorts:
    return FramePorts(FrameStore(sites(resources), claims), health_tally_of(resources), publisher_of(resources))
