from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI

from anpr_rules.bootstrap import SPEC, RulesComponents, bootstrap
from anpr_rules.config import RulesSettings
from anpr_rules.domain.regime import Regime
from anpr_rules.entrypoints.deps import Components
from anpr_rules.entrypoints.forecast import router as forecast_router
from anpr_rules.entrypoints.vehicles import router as vehicles_router
from anpr_runtime import PermanentError
from anpr_runtime.auth import Principal, Role, require_roles
from anpr_runtime.http import create_service_app
from anpr_runtime.service import service_lifespan

router = APIRouter(prefix="/v1")
Reader = Annotated[Principal, Depends(require_roles(Role.OPERATOR, Role.SUPERVISOR, Role.REVIEWER, Role.SERVICE))]
Admin = Annotated[Principal, Depends(require_roles())]


@router.get("/regimes")
async def get_regimes(_: Reader, parts: Components) -> list[Regime]:
    return list(parts.regimes.regimes)


@router.post("/regimes/reload")
async def reload_regimes(_: Admin, parts: Components) -> dict[str, Any]:
    """Apply changed regime files now; an invalid file is refused and the current regimes stay."""
    try:
        regimes = parts.regimes.reload()
    except ValueError as exc:
        raise PermanentError(f"regimes not reloaded: {exc}") from exc
    return {"regimes": {r.id: r.version for r in regimes}}


@router.post("/vehicles/reload")
async def reload_vehicles(_: Admin, parts: Components) -> dict[str, int]:
    """Rebuild the registry's snapshot from PostgreSQL now. Not needed after `anpr vehicles import`:
    every instance follows imports by itself within ANPR_RULES_REGISTRY_POLL_SECONDS."""
    return {"vehicles": await parts.registry.rebuild()}


@router.get("/status")
async def get_status(_: Reader, parts: Components) -> dict[str, Any]:
    return {
        "regimes": {r.id: r.version for r in parts.regimes.regimes},
        "regime_error": parts.regimes.last_error,
        "vehicles": len(parts.vehicles),
        "registry_version": parts.vehicles.stamp.version if parts.vehicles.stamp else None,
        "vehicle_snapshot": _snapshot_name(parts),
        "vehicle_changes_since_snapshot": parts.vehicles.pending_changes,
        "permits": len(parts.permits),
        "permits_caught_up": parts.permit_feed.caught_up.is_set(),
    }


def _snapshot_name(parts: RulesComponents) -> str | None:
    """The snapshot file mapped; None while loading or when it is held in memory (directory not writable)."""
    snapshot = parts.vehicles.snapshot
    return snapshot.path.name if snapshot is not None and snapshot.path is not None else None


def create_app(settings: RulesSettings | None = None) -> FastAPI:
    lifespan = service_lifespan(SPEC, lambda: settings or RulesSettings(), bootstrap)
    return create_service_app("rules", lifespan, [router, forecast_router, vehicles_router])
