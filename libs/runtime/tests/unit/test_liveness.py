"""/healthz is liveness: it fails only for what a restart cures, such as a consumer loop that died."""

import contextlib
from collections.abc import AsyncIterator

import httpx
from fastapi import FastAPI

from anpr_runtime.http import create_service_app


def an_app(loop_alive: bool) -> FastAPI:
    async def consumer_loop() -> None:
        if not loop_alive:
            raise RuntimeError("consumer loop stopped: IllegalStateError")

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield

    app = create_service_app("svc-live", lifespan, [])
    app.state.liveness = {"consumer": consumer_loop}
    return app


async def healthz(app: FastAPI) -> httpx.Response:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        return await http.get("/healthz")


async def test_a_live_consumer_loop_is_healthy() -> None:
    answer = await healthz(an_app(loop_alive=True))
    assert (answer.status_code, answer.json()) == (200, {"status": "ok"})


async def test_a_dead_consumer_loop_fails_liveness_so_the_process_is_restarted() -> None:
    answer = await healthz(an_app(loop_alive=False))
    assert answer.status_code == 503
    assert answer.json() == {"status": "failing", "consumer": "RuntimeError"}


async def test_a_service_without_a_consumer_is_live() -> None:
    app = an_app(loop_alive=False)
    del app.state.liveness
    assert (await healthz(app)).status_code == 200
