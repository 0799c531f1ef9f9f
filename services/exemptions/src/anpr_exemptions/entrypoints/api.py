from fastapi import FastAPI

from anpr_exemptions.bootstrap import SPEC, bootstrap
from anpr_exemptions.config import ExemptionsSettings
from anpr_exemptions.domain.errors import Coded
from anpr_exemptions.entrypoints import (
    applications,
    check,
    counter_figures,
    exemptions,
    imports,
    oversight,
    quota,
    refusals,
)
from anpr_runtime.http import create_service_app
from anpr_runtime.service import service_lifespan


def create_app(settings: ExemptionsSettings | None = None) -> FastAPI:
    config = settings or ExemptionsSettings()
    # The import router comes first: "/v1/exemptions/import" must not be taken for an exemption id.
    app = create_service_app(
        "exemptions",
        service_lifespan(SPEC, lambda: config, bootstrap),
        [
            imports.router,
            exemptions.router,
            check.router,
            quota.router,
            oversight.router,
            applications.router,
            counter_figures.router,
        ],
        # The CSV import streams to its own limit and says so; the guard in front (anpr_runtime.body_guard)
        # stops only what is far beyond it, and every other body over 1 MiB.
        # Documents: the route reads to the counter's limit and names it (413); the guard stops what is far beyond.
        body_limits={
            "/v1/exemptions/import": 2 * config.import_max_bytes,
            "/v1/applications": 2 * config.counter.max_document_bytes,
        },
    )
    # The counter's refusals answer a stable code next to the detail (domain/errors.py).
    app.add_exception_handler(Coded, refusals.coded_error)
    return app
