"""What every ingest route needs: the service's resources and the roles that may call it."""

from typing import Annotated

from fastapi import Depends, Request

from anpr_runtime.auth import Principal, Role, require_roles
from anpr_runtime.service import Resources

CameraRole = Annotated[Principal, Depends(require_roles(Role.CAMERA, Role.SERVICE))]
Admin = Annotated[Principal, Depends(require_roles())]
Operator = Annotated[Principal, Depends(require_roles(Role.OPERATOR, Role.SUPERVISOR))]


def resources_of(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources
