from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Request

from anpr_rules.bootstrap import SPEC, RulesComponents, bootstrap
from anpr_rules.config import RulesSettings
from anpr_rules.domain.regime import Regime
from anpr_rules.entrypoints.forecast import router as forecast_router
from anpr_runtime import PermanentError
from anpr_runtime.auth import Principal, Role, require_roles
from anpr_runtime.http import create_service_app
from anpr_runtime.service import service_lifespan

router = APIRouter(prefix="/v1")
Reader = Annotated[Principal, Depends(require_roles(Role.OPERATOR, Role.SUPERVISOR, Role.REVIEWER, Role.SERVICE))]
Admin = Annotated[Principal, Depends(require_roles())]


def _parts(request: Request) -> RulesComponents:
    parts: RulesComponents = request.app.state.resources.extras["rules"]
    return parts


@router.get("/regimes")
async def get_regimes(request: Request, _: Reader) -> list[Regime]:
    return list(_parts(request).regimes.regimes)


@router.post("/regimes/reload")
async def reload_regimes(request: Request, _: Admin) -> dict[str, Any]:
    """Apply changed regime files now; an invalid file is refused and the current regimes stay."""
    try:
        regimes = _parts(request).regimes.reload()
    except ValueError as exc:
        raise PermanentError(f"regimes not reloaded: {exc}") from exc
    return {"regimes": {r.id: r.version for r in regimes}}


@router.post("/vehicles/reload")
async def reload_vehicles(request: Request, _: Admin) -> dict[str, int]:
    """After `anpr vehicles import`: swap in the new registry without a restart."""
    parts = _parts(request)
    return {"vehicles": await parts.vehicles.load(request.app.state.resources.engine)}


@router.get("/status")
async def get_status(request: Request, _: Reader) -> dict[str, Any]:
    parts = _parts(request)
    return {
        "regimes": {r.id: r.version for r in parts.regimes.regimes},
        "regime_error": parts.regimes.last_error,
        "vehicles": len(parts.vehicles),
        "permits": len(parts.permits),
        "permits_caught_up": parts.permit_feed.caught_up.is_set(),
    }


def create_app(settings: RulesSettings | None = None) -> FastAPI:
    lifespan = service_lifespan(SPEC, lambda: settings or RulesSettings(), bootstrap)
    return create_service_app("rules", lifespan, [router, forecast_router])
