"""Against the real broker and database: every frame and read carries where its camera stood, or is refused."""

import asyncio
import io
import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from PIL import Image

from anpr_contracts import FRAMES, READS, Direction, FrameCaptured, PlateRecognized, parse_event
from anpr_ingest.config import IngestSettings
from anpr_ingest.entrypoints.api import create_app
from anpr_runtime.kafka import new_consumer

ADMIN = {"Authorization": "Bearer test-admin-token"}
CAMERA = {"Authorization": "Bearer test-camera-token"}
NOW = datetime.now(UTC)


def a_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48)).save(buffer, "JPEG")
    return buffer.getvalue()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"  # the database is shared by every test run


@pytest.fixture
def settings(isolated: Callable[..., Any]) -> IngestSettings:
    made: IngestSettings = isolated(IngestSettings)
    return made


@pytest.fixture
async def ingest(settings: IngestSettings, run_app: Callable[..., Any]) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with run_app(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://ingest") as client:
            yield client


async def a_camera(ingest: httpx.AsyncClient, placed_at: dict[str, Any] | None) -> tuple[str, str | None]:
    """A camera, placed since two hours ago at a new location with these fields (None: never placed)."""
    camera_id = unique("cam")
    assert (await ingest.post("/v1/cameras", json={"camera_id": camera_id}, headers=ADMIN)).status_code == 201
    if placed_at is None:
        return camera_id, None
    location = {"location_id": unique("loc"), "name": "Poort", "regimes": ["access-centrum"], **placed_at}
    assert (await ingest.post("/v1/locations", json=location, headers=ADMIN)).status_code == 201
    placement = {"location_id": location["location_id"], "valid_from": (NOW - timedelta(hours=2)).isoformat()}
    response = await ingest.post(f"/v1/cameras/{camera_id}/placements", json=placement, headers=ADMIN)
    assert response.status_code == 201, response.text
    return camera_id, location["location_id"]


async def post_frame(ingest: httpx.AsyncClient, camera_id: str, captured_at: datetime) -> httpx.Response:
    headers = {**CAMERA, "Content-Type": "image/jpeg", "X-Camera-Id": camera_id}
    return await ingest.post(
        "/v1/frames", content=a_jpeg(), headers={**headers, "X-Captured-At": captured_at.isoformat()}
    )


async def consume_one(settings: IngestSettings, topic: str, timeout: float = 30) -> Any:
    consumer = new_consumer(settings, settings.topic(topic), group_id=unique("check"))
    await consumer.start()
    try:
        batches = await asyncio.wait_for(_first_batch(consumer), timeout)
        [record] = [record for batch in batches.values() for record in batch]
        return parse_event(record.value)
    finally:
        await consumer.stop()


async def _first_batch(consumer: AIOKafkaConsumer) -> dict[Any, Any]:
    batches: dict[Any, Any] = {}
    while not batches:
        batches = await consumer.getmany(timeout_ms=500)
    return batches


async def messages_on(settings: IngestSettings, topic: str) -> int:
    """Every message ever published on the test's own topic (the high watermarks of its partitions)."""
    name = settings.topic(topic)
    consumer = AIOKafkaConsumer(name, bootstrap_servers=settings.kafka_bootstrap)
    await consumer.start()  # waits for the metadata of the topic it subscribes to
    try:
        partitions = [TopicPartition(name, p) for p in consumer.partitions_for_topic(name) or ()]
        assert partitions, f"{name} does not exist"
        return sum((await consumer.end_offsets(partitions)).values())
    finally:
        await consumer.stop()


async def test_frame_of_a_placed_camera_is_published_with_location_zone_and_direction(
    settings: IngestSettings, ingest: httpx.AsyncClient
) -> None:
    camera_id, location_id = await a_camera(ingest, {"zone_id": "centrum", "direction": "entry"})

    response = await post_frame(ingest, camera_id, NOW - timedelta(minutes=1))

    assert response.status_code == 202, response.text
    frame = await consume_one(settings, FRAMES.name)
    assert isinstance(frame, FrameCaptured)
    assert (frame.camera_id, frame.location_id) == (camera_id, location_id)
    assert (frame.zone_id, frame.direction) == ("centrum", Direction.ENTRY)
    assert await messages_on(settings, FRAMES.name) == 1


async def test_frame_of_an_unplaced_camera_is_422_and_never_published(
    settings: IngestSettings, ingest: httpx.AsyncClient
) -> None:
    unplaced, _ = await a_camera(ingest, None)
    placed_later, _ = await a_camera(ingest, {})
    # Before `placed_later` stood anywhere, and young enough not to be refused as too old.
    captured_at = (NOW - timedelta(hours=3)).replace(microsecond=0)

    refused = [await post_frame(ingest, camera_id, captured_at) for camera_id in (unplaced, placed_later)]

    assert [r.status_code for r in refused] == [422, 422]
    assert refused[0].json()["detail"] == f"camera {unplaced} has no placement at {captured_at.isoformat()}"
    assert await messages_on(settings, FRAMES.name) == 0
    metrics = (await ingest.get("/metrics")).text
    assert f'anpr_ingest_rejected_total{{camera="{unplaced}",input="frame",reason="no_placement"}} 1.0' in metrics


async def test_read_of_an_unplaced_camera_is_422_and_a_placed_one_is_stamped(
    settings: IngestSettings, ingest: httpx.AsyncClient
) -> None:
    unplaced, _ = await a_camera(ingest, None)
    placed, location_id = await a_camera(ingest, {"zone_id": "centrum", "direction": "exit"})
    read = {"source": "fixed_anpr", "observed_at": NOW.isoformat(), "plate": "72-VGX-6"}

    refused = await ingest.post("/v1/reads", json={**read, "camera_id": unplaced}, headers=CAMERA)
    assert refused.status_code == 422
    assert await messages_on(settings, READS.name) == 0

    accepted = await ingest.post("/v1/reads", json={**read, "camera_id": placed}, headers=CAMERA)
    assert accepted.status_code == 202, accepted.text
    assert accepted.json()["location_id"] == location_id
    assert (accepted.json()["zone_id"], accepted.json()["direction"]) == ("centrum", "exit")
    published = await consume_one(settings, READS.name)
    assert isinstance(published, PlateRecognized)
    assert (published.camera_id, published.location_id) == (placed, location_id)
    assert (published.zone_id, published.direction) == ("centrum", Direction.EXIT)
