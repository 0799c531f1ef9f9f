from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Request

from anpr_rules.bootstrap import SPEC, bootstrap
from anpr_rules.config import RulesSettings
from anpr_rules.domain.regime import Regime
from anpr_runtime.auth import Principal, Role, require_roles
from anpr_runtime.http import create_service_app
from anpr_runtime.service import service_lifespan

router = APIRouter(prefix="/v1")
Reader = Annotated[Principal, Depends(require_roles(Role.OPERATOR, Role.SUPERVISOR, Role.REVIEWER, Role.SERVICE))]


@router.get("/regimes")
async def get_regimes(request: Request, _: Reader) -> list[Regime]:
    regimes: list[Regime] = request.app.state.resources.extras["regimes"]
    return regimes


def create_app(settings: RulesSettings | None = None) -> FastAPI:
    return create_service_app("rules", service_lifespan(SPEC, lambda: settings or RulesSettings(), bootstrap), [router])
