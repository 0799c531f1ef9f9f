"""What every ingest route needs: the service's resources, its ports and the roles that may call it.

Frames and reads take a `Sender` instead of a role (entrypoints/senders.py): camera tokens live in the database."""

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncConnection

from anpr_ingest.adapters.health import PostgresCameraHealthRepository
from anpr_ingest.adapters.publisher import BoundedPublisher
from anpr_ingest.adapters.repository import PostgresIngestRepository
from anpr_ingest.adapters.token_cache import CameraTokenCache
from anpr_ingest.bootstrap import TOKEN_CACHE
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


def publisher_of(resources: Resources) -> BoundedPublisher:
    settings = settings_of(resources)
    kafka = KafkaEventPublisher(resources.producer, settings.topic_prefix)
    return BoundedPublisher(kafka, settings.publish_timeout_seconds)


def frame_ports(resources: Resources, connection: AsyncConnection) -> FramePorts:
    return FramePorts(
        PostgresIngestRepository(connection), PostgresCameraHealthRepository(connection), publisher_of(resources)
    )
