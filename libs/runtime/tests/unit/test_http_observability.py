"""What every service's HTTP layer adds: correlation ids in and out, latency by route template, logs."""

import contextlib
import logging
import uuid
from collections.abc import AsyncIterator
from typing import Annotated

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Header
from prometheus_client import REGISTRY

from anpr_runtime.correlation import CORRELATION_ID, SERVICE
from anpr_runtime.http import create_service_app

router = APIRouter()


@router.get("/v1/items/{item_id}")
async def get_item(item_id: str, x_correlation_id: Annotated[str | None, Header()] = None) -> dict[str, str | None]:
    logging.getLogger("anpr.test.http").info("looked up an item")
    return {"header_seen": x_correlation_id, "bound": CORRELATION_ID.get(), "service": SERVICE.get()}


@contextlib.asynccontextmanager
async def nothing(app: FastAPI) -> AsyncIterator[None]:
    yield


def a_client(service: str) -> httpx.AsyncClient:
    app = create_service_app(service, nothing, [router])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_the_caller_s_correlation_id_is_used_and_echoed() -> None:
    async with a_client("svc-a") as http:
        response = await http.get("/v1/items/1", headers={"X-Correlation-Id": "gw-123"})
    assert response.headers["X-Correlation-Id"] == "gw-123"
    assert response.json() == {"header_seen": "gw-123", "bound": "gw-123", "service": "svc-a"}


@pytest.mark.parametrize("given", [None, "has spaces and a plate 72-VGX-6", "x" * 101])
async def test_without_an_acceptable_id_one_is_made_and_the_route_sees_the_same(given: str | None) -> None:
    headers = {"X-Correlation-Id": given} if given else {}
    async with a_client("svc-b") as http:
        response = await http.get("/v1/items/1", headers=headers)
    made = response.headers["X-Correlation-Id"]
    assert uuid.UUID(made)
    assert response.json()["header_seen"] == made
    assert response.json()["bound"] == made


async def test_latency_is_measured_by_route_template_and_status() -> None:
    service = f"svc-{uuid.uuid4().hex[:6]}"

    def count(route: str, status: str) -> float:
        labels = {"service": service, "method": "GET", "route": route, "status": status}
        return REGISTRY.get_sample_value("anpr_http_request_seconds_count", labels) or 0.0

    async with a_client(service) as http:
        await http.get("/v1/items/a")
        await http.get("/v1/items/b")
        await http.get("/no/such/path")
        await http.get("/healthz")
    assert count("/v1/items/{item_id}", "200") == 2
    assert count("unmatched", "404") == 1
    assert count("/healthz", "200") == 1
    assert count("/v1/items/a", "200") == 0


async def test_log_lines_of_a_request_carry_its_service_and_correlation_id(caplog: pytest.LogCaptureFixture) -> None:
    seen: list[tuple[str | None, str | None]] = []

    class Remember(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append((SERVICE.get(), CORRELATION_ID.get()))

    handler = Remember()
    logging.getLogger("anpr.test.http").addHandler(handler)
    try:
        with caplog.at_level(logging.INFO, logger="anpr.test.http"):
            async with a_client("svc-c") as http:
                await http.get("/v1/items/1", headers={"X-Correlation-Id": "trace-me"})
    finally:
        logging.getLogger("anpr.test.http").removeHandler(handler)
    assert seen == [("svc-c", "trace-me")]
