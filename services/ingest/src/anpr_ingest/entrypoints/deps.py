"""What every ingest route needs: the service's resources, its components and the roles that may call it.

Frames and reads take a `Sender` instead of a role (entrypoints/senders.py): camera tokens live in the database."""

from typing import Annotated

from fastapi import Depends, Request

from anpr_ingest.adapters.frame_ledger import FrameClaims
from anpr_ingest.adapters.site_cache import FrameStore
from anpr_ingest.bootstrap import IngestComponents
from anpr_ingest.handlers import FramePorts
from anpr_runtime.auth import Principal, Role, require_roles
from anpr_runtime.service import Resources

Admin = Annotated[Principal, Depends(require_roles())]
Operator = Annotated[Principal, Depends(require_roles(Role.OPERATOR, Role.SUPERVISOR))]
# The operations team places and moves cameras and keeps the locations' signs and consent up to date;
# creating a camera (and its tokens) stays with admin, as it decides what may send to the platform.
SiteKeeper = Annotated[Principal, Depends(require_roles(Role.OPERATOR))]


def resources_of(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources


def components_of(request: Request) -> IngestComponents:
    resources: Resources = request.app.state.resources
    return resources.component(IngestComponents)


def frame_ports(components: IngestComponents, claims: FrameClaims) -> FramePorts:
    return FramePorts(FrameStore(components.sites, claims), components.health_tally, components.publisher)
