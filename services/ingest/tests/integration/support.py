"""What the ingest integration tests share: an app on the real stores, cameras, frames and topic checks."""

import asyncio
import io
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from PIL import Image

from anpr_contracts import parse_event
from anpr_ingest.config import IngestSettings
from anpr_ingest.entrypoints.api import create_app

ADMIN = {"Authorization": "Bearer test-admin-token"}
CAMERA = {"Authorization": "Bearer test-camera-token"}
SERVICE = {"Authorization": "Bearer test-service-token"}
OPERATOR = {"Authorization": "Bearer test-operator-token"}
REVIEWER = {"Authorization": "Bearer test-reviewer-token"}
STATIC_TOKENS = (
    "test-camera-token:camera,test-service-token:service,test-operator-token:operator,test-reviewer-token:reviewer"
)


def a_jpeg(width: int = 64, height: int = 48) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height)).save(buffer, "JPEG")
    return buffer.getvalue()


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"  # the database is shared by every test run


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@asynccontextmanager
async def client_of(settings: IngestSettings, running: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An ingest app with its lifespan running (database migrated, producer started) and a client to it."""
    app = create_app(settings)
    async with running(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://ingest") as client:
            yield client


async def a_placed_camera(ingest: httpx.AsyncClient) -> str:
    """A camera standing at a new location since two hours ago."""
    camera_id, location_id = unique("cam"), unique("loc")
    assert (await ingest.post("/v1/cameras", json={"camera_id": camera_id}, headers=ADMIN)).status_code == 201
    location = {"location_id": location_id, "name": "Poort", "regimes": ["milieuzone-centrum"]}
    assert (await ingest.post("/v1/locations", json=location, headers=ADMIN)).status_code == 201
    since = (datetime.now(UTC) - timedelta(hours=2)).isoformat()
    placement = {"location_id": location_id, "valid_from": since}
    response = await ingest.post(f"/v1/cameras/{camera_id}/placements", json=placement, headers=ADMIN)
    assert response.status_code == 201, response.text
    return camera_id


async def post_frame(
    ingest: httpx.AsyncClient,
    camera_id: str,
    auth: dict[str, str] = ADMIN,
    *,
    captured_at: datetime | None = None,
    frame_id: str | None = None,
    body: bytes | None = None,
    content_type: str | None = "image/jpeg",
) -> httpx.Response:
    headers = {**auth, "X-Camera-Id": camera_id}
    headers["X-Captured-At"] = (captured_at or datetime.now(UTC) - timedelta(seconds=1)).isoformat()
    if frame_id is not None:
        headers["X-Frame-Id"] = frame_id
    if content_type is not None:
        headers["Content-Type"] = content_type
    return await ingest.post("/v1/frames", content=a_jpeg() if body is None else body, headers=headers)


async def messages_on(settings: IngestSettings, topic: str) -> int:
    """Every message ever published on the test's own topic (the high watermarks of its partitions)."""
    name = settings.topic(topic)
    consumer = AIOKafkaConsumer(name, bootstrap_servers=settings.kafka_bootstrap)
    await consumer.start()
    try:
        partitions = [TopicPartition(name, p) for p in consumer.partitions_for_topic(name) or ()]
        assert partitions, f"{name} does not exist"
        return sum((await consumer.end_offsets(partitions)).values())
    finally:
        await consumer.stop()


async def events_on(settings: IngestSettings, topic: str, timeout: float = 30) -> list[Any]:
    """Every event on the test's own topic (fresh per test, so it starts at offset 0) up to its current end."""
    name = settings.topic(topic)
    consumer = AIOKafkaConsumer(name, bootstrap_servers=settings.kafka_bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    try:
        partitions = [TopicPartition(name, p) for p in consumer.partitions_for_topic(name) or ()]
        assert partitions, f"{name} does not exist"
        total = sum((await consumer.end_offsets(partitions)).values())
        return await asyncio.wait_for(_read(consumer, total), timeout)
    finally:
        await consumer.stop()


async def _read(consumer: AIOKafkaConsumer, count: int) -> list[Any]:
    events: list[Any] = []
    while len(events) < count:
        for batch in (await consumer.getmany(timeout_ms=500)).values():
            events += [parse_event(record.value) for record in batch]
    return events


def metric(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample in a Prometheus text exposition."""
    wanted = ",".join(f'{key}="{value}"' for key, value in labels.items())
    for line in text.splitlines():
        if line.startswith(f"{name}{{{wanted}}} "):
            return float(line.rsplit(" ", 1)[1])
    return None
