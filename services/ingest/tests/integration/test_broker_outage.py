"""Kafka goes away behind a proxy and comes back: ingest answers 503 with Retry-After, accepts nothing it
cannot deliver (the frame id stays free for the retry), and recovers on its own when the broker returns."""

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from anpr_contracts import FRAMES, FrameCaptured
from anpr_ingest.config import IngestSettings

from .kafka_proxy import KafkaProxy
from .support import ADMIN, OPERATOR, STATIC_TOKENS, a_placed_camera, client_of, events_on, post_frame

TIMEOUT = 1.0


@pytest.fixture
async def proxy(infra: dict[str, str]) -> AsyncIterator[KafkaProxy]:
    made = KafkaProxy(infra["KAFKA_BOOTSTRAP"])
    await made.start()
    try:
        yield made
    finally:
        await made.stop()


@pytest.fixture
def settings(isolated: Callable[..., Any], proxy: KafkaProxy) -> IngestSettings:
    made: IngestSettings = isolated(
        IngestSettings, kafka_bootstrap=proxy.address, publish_timeout_seconds=TIMEOUT, extra_tokens=STATIC_TOKENS
    )
    return made


async def until_accepted(ingest: httpx.AsyncClient, camera_id: str, frame_id: str, within: float) -> httpx.Response:
    deadline = time.monotonic() + within
    while True:
        response = await post_frame(ingest, camera_id, frame_id=frame_id)
        if response.status_code != 503 or time.monotonic() > deadline:
            return response
        await asyncio.sleep(float(response.headers["Retry-After"]) / 4)  # a patient client waits it out


async def test_broker_outage_is_503_with_retry_after_and_ingest_recovers_when_it_returns(
    settings: IngestSettings, proxy: KafkaProxy, infra: dict[str, str], run_app: Callable[..., Any]
) -> None:
    async with client_of(settings, run_app) as ingest:
        camera_id = await a_placed_camera(ingest)
        assert (await post_frame(ingest, camera_id, frame_id="before")).status_code == 202

        proxy.cut()
        started = time.monotonic()
        refused = await post_frame(ingest, camera_id, frame_id="during")
        waited = time.monotonic() - started
        read = {"source": "fixed_anpr", "camera_id": camera_id, "observed_at": datetime.now(UTC).isoformat()}
        refused_read = await ingest.post("/v1/reads", json={**read, "plate": "72VGX6"}, headers=ADMIN)
        ready = await ingest.get("/readyz")

        assert refused.status_code == 503, refused.text
        assert refused.headers["Retry-After"] == "2"
        assert "Kafka" in refused.json()["detail"]
        assert "retry later" in refused.json()["detail"]
        assert waited < TIMEOUT + 2, "the publish must give up after its timeout"
        assert (refused_read.status_code, refused_read.headers["Retry-After"]) == (503, "2")
        assert ready.status_code == 503

        proxy.restore()
        retried = await until_accepted(ingest, camera_id, "during", within=30)

        assert retried.status_code == 202, retried.text
        assert retried.json() == {"frame_id": "during", "duplicate": False}  # the 503 remembered nothing
        assert (await post_frame(ingest, camera_id, frame_id="after")).status_code == 202
        assert (await ingest.get("/readyz")).status_code == 200
        health = (await ingest.get(f"/v1/cameras/{camera_id}/health", headers=OPERATOR)).json()

    assert health["frames_per_minute_5m"] == pytest.approx(3 / 5)  # the 503 counted nothing
    assert health["rejected_24h"] == {}
    direct = settings.model_copy(update={"kafka_bootstrap": infra["KAFKA_BOOTSTRAP"]})
    frames = [event for event in await events_on(direct, FRAMES.name) if isinstance(event, FrameCaptured)]
    ids = [frame.frame_id for frame in frames]
    # A send that timed out may still land once the broker is back (at-least-once); nothing is lost.
    assert set(ids) == {"before", "during", "after"}
    assert (ids.count("before"), ids.count("after")) == (1, 1)
