from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request

from anpr_recognition.bootstrap import SPEC, RecognitionComponents, bootstrap
from anpr_recognition.config import RecognitionSettings
from anpr_runtime.auth import Principal, Role, require_roles
from anpr_runtime.http import create_service_app
from anpr_runtime.service import service_lifespan

router = APIRouter(prefix="/v1")
Operator = Annotated[Principal, Depends(require_roles(Role.OPERATOR, Role.SERVICE))]


@router.get("/model")
async def get_model(request: Request, _: Operator) -> dict[str, Any]:
    """Which models this instance reads plates with."""
    components = request.app.state.resources.component(RecognitionComponents)
    info: dict[str, Any] = components.reader.describe()
    return info


def create_app(settings: RecognitionSettings | None = None) -> FastAPI:
    return create_service_app(
        "recognition", service_lifespan(SPEC, lambda: settings or RecognitionSettings(), bootstrap), [router]
    )
