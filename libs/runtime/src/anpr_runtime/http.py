"""FastAPI app factory: the same health, readiness, metrics and error mapping in every service."""

import logging
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest, multiprocess
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from anpr_runtime.body_guard import BodyGuard
from anpr_runtime.correlation import HTTP_HEADER, acceptable, bound, new_correlation_id
from anpr_runtime.errors import AnprError
from anpr_runtime.metrics import MULTIPROCESS_DIR

ReadinessCheck = Callable[[], Awaitable[None]]

log = logging.getLogger(__name__)

HTTP_LATENCY = Histogram(
    "anpr_http_request_seconds", "HTTP request latency by route template", ["service", "method", "route", "status"]
)
_HEADER = HTTP_HEADER.lower().encode()


def create_service_app(
    service: str,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]],
    routers: list[APIRouter],
    body_limits: Mapping[str, int] | None = None,
) -> FastAPI:
    """The lifespan must set `app.state.tokens` and `app.state.readiness` (name -> check).

    `body_limits`: path prefix -> the largest request body in bytes; 1 MiB elsewhere (see body_guard).
    """
    app = FastAPI(title=f"ANPR {service}", version="0.1.0", lifespan=lifespan)
    app.include_router(_operational_router())
    for router in routers:
        app.include_router(router)

    @app.exception_handler(AnprError)
    async def domain_error(_: Request, exc: AnprError) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after_seconds)} if exc.retriable else None
        return JSONResponse({"detail": str(exc)}, status_code=exc.status_code, headers=headers)

    # Inside ObservedRequests: its refusals carry a correlation id and are counted like any answer.
    app.add_middleware(BodyGuard, router=app.router, limits=body_limits)
    app.add_middleware(ObservedRequests, service=service)
    return app


class ObservedRequests:
    """Per request: the correlation id (the caller's X-Correlation-Id or a new one, echoed in the response
    and seen by the route as that header), the service name for logs, and the latency by route template.

    Plain ASGI rather than BaseHTTPMiddleware: no extra task and body copy on the ingest hot path.
    """

    def __init__(self, app: ASGIApp, service: str) -> None:
        self._app = app
        self._service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        correlation_id = _correlation_id(scope)
        status = 500  # unless a response starts: an exception that escapes every handler

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (_HEADER, correlation_id.encode())]
            await send(message)

        started = time.perf_counter()
        with bound(service=self._service, correlation_id=correlation_id):
            try:
                await self._app(scope, receive, send_with_id)
            finally:
                elapsed = time.perf_counter() - started
                # The template (/v1/cameras/{camera_id}), never the path: bounded labels, no ids or plates.
                route = getattr(scope.get("route"), "path", "unmatched")
                HTTP_LATENCY.labels(self._service, scope["method"], route, str(status)).observe(elapsed)
                log.debug(
                    "%s %s %d",
                    scope["method"],
                    route,
                    status,
                    extra={"method": scope["method"], "route": route, "status": status, "ms": round(elapsed * 1000, 2)},
                )


def _correlation_id(scope: Scope) -> str:
    """The caller's id when acceptable; otherwise a new one, written into the request headers too."""
    headers: list[tuple[bytes, bytes]] = list(scope.get("headers", []))
    for name, value in headers:
        if name == _HEADER:
            given = acceptable(value.decode("latin-1"))
            if given is not None:
                return given
    fresh = new_correlation_id()
    scope["headers"] = [(n, v) for n, v in headers if n != _HEADER] + [(_HEADER, fresh.encode())]
    return fresh


def exposition() -> bytes:
    """This process's metrics; with several HTTP worker processes (see `metrics.share_between_workers`)
    those of all of them, summed, whichever worker the scrape reaches."""
    if os.environ.get(MULTIPROCESS_DIR):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return bytes(generate_latest(registry))
    return bytes(generate_latest())


def _operational_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz")
    async def healthz(request: Request) -> JSONResponse:
        """Liveness: only what a restart would cure, such as a consumer loop that died (its partitions
        would stay with this process, unread). Dependencies being down is readiness, not liveness."""
        for name, check in getattr(request.app.state, "liveness", {}).items():
            try:
                await check()
            except Exception as exc:  # liveness reports any failure instead of raising it
                return JSONResponse({"status": "failing", name: type(exc).__name__}, status_code=503)
        return JSONResponse({"status": "ok"})

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
        return Response(exposition(), media_type=CONTENT_TYPE_LATEST)

    return router
