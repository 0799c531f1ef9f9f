from fastapi import FastAPI

from anpr_exemptions.bootstrap import SPEC, bootstrap
from anpr_exemptions.config import ExemptionsSettings
from anpr_exemptions.entrypoints import check, exemptions, imports, quota
from anpr_runtime.http import create_service_app
from anpr_runtime.service import service_lifespan


def create_app(settings: ExemptionsSettings | None = None) -> FastAPI:
    # The import router comes first: "/v1/exemptions/import" must not be taken for an exemption id.
    return create_service_app(
        "exemptions",
        service_lifespan(SPEC, lambda: settings or ExemptionsSettings(), bootstrap),
        [imports.router, exemptions.router, check.router, quota.router],
    )
