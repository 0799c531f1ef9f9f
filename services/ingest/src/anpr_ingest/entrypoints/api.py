from fastapi import FastAPI

from anpr_ingest.bootstrap import SPEC, bootstrap
from anpr_ingest.config import IngestSettings
from anpr_ingest.entrypoints import frames, health, reads, sites, tokens, webhooks
from anpr_ingest.entrypoints.body_limit import JsonBodyLimit
from anpr_runtime.http import create_service_app
from anpr_runtime.service import service_lifespan


def create_app(settings: IngestSettings | None = None) -> FastAPI:
    # health before sites, so that a GET /v1/cameras/{camera_id} added there cannot shadow /v1/cameras/health.
    routers = [frames.router, reads.router, webhooks.router, health.router, tokens.router, sites.router]
    config = settings or IngestSettings()
    lifespan = service_lifespan(SPEC, lambda: config, bootstrap)
    app = create_service_app("ingest", lifespan, routers)
    _match_first(app, "/v1/frames")
    # Webhooks check their own (smaller) limit; this is the ceiling for single reads and batches.
    app.add_middleware(JsonBodyLimit, max_bytes=config.max_json_body_bytes, paths=("/v1/reads",))
    return app


def _match_first(app: FastAPI, path: str) -> None:
    """The router tries routes in order, and the API docs and operational routes come first: the route of
    nearly every request (frames) is tried before them. No other route has this path, so nothing is shadowed."""
    routes = app.router.routes
    routes.sort(key=lambda route: getattr(route, "path", None) != path)  # stable: the others keep their order
