"""FastAPI app factory: the same health, readiness, metrics and error mapping in every service."""

import time
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, Histogram, generate_latest

from anpr_runtime.errors import AnprError

ReadinessCheck = Callable[[], Awaitable[None]]

HTTP_LATENCY = Histogram("anpr_http_request_seconds", "HTTP request latency", ["service", "method", "route", "status"])


def create_service_app(
    service: str,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]],
    routers: list[APIRouter],
) -> FastAPI:
    """The lifespan must set `app.state.tokens` and `app.state.readiness` (name -> check)."""
    app = FastAPI(title=f"ANPR {service}", version="0.1.0", lifespan=lifespan)
    app.include_router(_operational_router())
    for router in routers:
        app.include_router(router)

    @app.exception_handler(AnprError)
    async def domain_error(_: Request, exc: AnprError) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after_seconds)} if exc.retriable else None
        return JSONResponse({"detail": str(exc)}, status_code=exc.status_code, headers=headers)

    @app.middleware("http")
    async def measure(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = getattr(request.scope.get("route"), "path", "unmatched")
        HTTP_LATENCY.labels(service, request.method, route, str(response.status_code)).observe(
            time.perf_counter() - started
        )
        return response

    return app


def _operational_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz(request: Request) -> JSONResponse:
        checks: dict[str, ReadinessCheck] = getattr(request.app.state, "readiness", {})
        results = {}
        for name, check in checks.items():
            try:
                await check()
                results[name] = "ok"
            except Exception as exc:  # readiness reports any failure instead of raising it
                results[name] = f"failing: {type(exc).__name__}"
        ready = bool(checks) and all(v == "ok" for v in results.values())
        return JSONResponse({"ready": ready, "checks": results}, status_code=200 if ready else 503)

    @router.get("/metrics")
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
