from fastapi import FastAPI

from anpr_ingest.bootstrap import SPEC, bootstrap
from anpr_ingest.config import IngestSettings
from anpr_ingest.entrypoints import frames, health, reads, sites, tokens, webhooks
from anpr_runtime.http import create_service_app
from anpr_runtime.service import service_lifespan


def create_app(settings: IngestSettings | None = None) -> FastAPI:
    # health before sites, so that a GET /v1/cameras/{camera_id} added there cannot shadow /v1/cameras/health.
    routers = [frames.router, reads.router, webhooks.router, health.router, tokens.router, sites.router]
    lifespan = service_lifespan(SPEC, lambda: settings or IngestSettings(), bootstrap)
    return create_service_app("ingest", lifespan, routers)
