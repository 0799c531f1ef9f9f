"""JSON bodies of /v1/reads over the configured ceiling are refused with 413 before they are held whole,
whether the client declared their length or streamed them in chunks; nothing of them is published."""

import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from anpr_contracts import READS
from anpr_ingest.config import IngestSettings

from .support import ADMIN, a_placed_camera, client_of, messages_on

LIMIT = 64 * 1024


@pytest.fixture
def settings(isolated: Callable[..., Any]) -> IngestSettings:
    made: IngestSettings = isolated(IngestSettings, max_json_body_bytes=LIMIT)
    return made


@pytest.fixture
async def ingest(settings: IngestSettings, run_app: Callable[..., Any]) -> AsyncIterator[httpx.AsyncClient]:
    async with client_of(settings, run_app) as client:
        yield client


def a_batch(camera_id: str, reads: int) -> bytes:
    now = datetime.now(UTC).isoformat()
    batch = [
        {"source": "scan_car", "camera_id": camera_id, "observed_at": now, "plate": f"AB{n:04d}"} for n in range(reads)
    ]
    return json.dumps(batch).encode()


async def test_a_declared_oversized_batch_is_413_and_a_smaller_one_passes(
    settings: IngestSettings, ingest: httpx.AsyncClient
) -> None:
    camera_id = await a_placed_camera(ingest)
    big, small = a_batch(camera_id, 2000), a_batch(camera_id, 10)
    assert len(big) > LIMIT > len(small)
    headers = {**ADMIN, "Content-Type": "application/json"}

    refused = await ingest.post("/v1/reads/batch", content=big, headers=headers)
    accepted = await ingest.post("/v1/reads/batch", content=small, headers=headers)

    assert refused.status_code == 413, refused.text
    assert "limit" in refused.json()["detail"]
    assert accepted.status_code == 202, accepted.text
    assert await messages_on(settings, READS.name) == 10


async def test_a_chunked_oversized_batch_is_stopped_with_413(
    settings: IngestSettings, ingest: httpx.AsyncClient
) -> None:
    camera_id = await a_placed_camera(ingest)
    big = a_batch(camera_id, 2000)

    async def chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(big), 8192):
            yield big[start : start + 8192]

    headers = {**ADMIN, "Content-Type": "application/json"}
    refused = await ingest.post("/v1/reads/batch", content=chunks(), headers=headers)

    assert refused.status_code == 413, refused.text
    assert await messages_on(settings, READS.name) == 0


@pytest.mark.parametrize("path", ["/v1/webhooks/openalpr", "/v1/webhooks/platerecognizer"])
async def test_a_chunked_webhook_over_its_limit_is_stopped_with_413(
    settings: IngestSettings, ingest: httpx.AsyncClient, path: str
) -> None:
    sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal sent
        yield b'{"data_type": "alpr_group", "padding": "'
        for _ in range(12):  # 12 MiB on offer; the webhook limit is 6 MiB
            sent += 1
            yield b"x" * (1024 * 1024)
        yield b'"}'

    headers = {**ADMIN, "Content-Type": "application/json"}
    refused = await ingest.post(path, content=chunks(), headers=headers)

    assert refused.status_code == 413, refused.text
    assert "limit" in refused.json()["detail"]
    assert sent <= 8  # read up to the limit, not to the end
    assert await messages_on(settings, READS.name) == 0
