from fastapi import FastAPI

from anpr_ingest.bootstrap import SPEC, bootstrap
from anpr_ingest.config import IngestSettings
from anpr_ingest.entrypoints import frames, health, reads, sites, tokens, webhooks
from anpr_runtime.http import create_service_app
from anpr_runtime.service import service_lifespan


def create_app(settings: IngestSettings | None = None) -> FastAPI:
    # health before sites, so that a GET /v1/cameras/{camera_id} added there cannot shadow /v1/cameras/health.
    routers = [frames.router, reads.router, webhooks.router, health.router, tokens.router, sites.router]
    config = settings or IngestSettings()
    lifespan = service_lifespan(SPEC, lambda: config, bootstrap)
    app = create_service_app("ingest", lifespan, routers, body_limits=body_limits(config))
    _match_first(app, "/v1/frames")
    return app


def body_limits(config: IngestSettings) -> dict[str, int]:
    """Request bodies refused with 413 while they arrive (anpr_runtime.body_guard); 1 MiB elsewhere."""
    return {
        "/v1/reads": config.max_json_body_bytes,  # single reads and batches, with base64 evidence
        "/v1/webhooks": webhooks.MAX_BODY_BYTES,
        # Twice the frame limit: the frames route streams to its own limit and counts the refusal in the
        # camera's health (too_large); this only stops what is far beyond it.
        "/v1/frames": 2 * config.max_frame_bytes,
    }


def _match_first(app: FastAPI, path: str) -> None:
    """The router tries routes in order, and the API docs and operational routes come first: the route of
    nearly every request (frames) is tried before them. No other route has this path, so nothing is shadowed."""
    routes = app.router.routes
    routes.sort(key=lambda route: getattr(route, "path", None) != path)  # stable: the others keep their order
