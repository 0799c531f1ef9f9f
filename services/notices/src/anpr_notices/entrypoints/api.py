from fastapi import FastAPI

from anpr_notices.bootstrap import SPEC, bootstrap
from anpr_notices.config import NoticesSettings
from anpr_notices.entrypoints import candidates, exports, oversight, reminders, review
from anpr_runtime import dead_letter_api
from anpr_runtime.http import create_service_app
from anpr_runtime.service import service_lifespan


def create_app(settings: NoticesSettings | None = None) -> FastAPI:
    # Notices serves the dead letters (decrypted for an admin, audited) for the whole platform.
    routers = [
        candidates.router,
        exports.router,
        oversight.router,
        reminders.router,
        review.router,
        dead_letter_api.router,
    ]
    return create_service_app(
        "notices", service_lifespan(SPEC, lambda: settings or NoticesSettings(), bootstrap), routers
    )
