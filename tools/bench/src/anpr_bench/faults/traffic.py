"""Sending the plan through the front door as gateways and source systems do: reads in batches to
`POST /v1/reads/batch` with a service token, frames to `POST /v1/frames` with each camera's own token.
Both retry what was not acknowledged (connection refused while ingest is down, 503 while Kafka is) until
it is; a retried read may then be in Kafka twice, which `dedupe_per: day` must absorb. A 500 is retried as
a gateway would, but also counted on its own (`server_errors`): a fault must be answered 503 (retry
later), and an unhandled error is a bug the suite reports rather than a retry it hides."""

import asyncio
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from anpr_bench.faults.plan import MILIEUZONE, REGIMES, Plan, Read
from anpr_cli.paths import demo_frames_dir

LOCATION = "loc-faults-centrum"
CAMERAS = ("faults-cam-1", "faults-cam-2")
FRAMES = demo_frames_dir()
RETRY_STATUSES = {500, 502, 503, 504}


@dataclass
class Sent:
    reads: int = 0
    read_batches: int = 0
    frames: int = 0
    corrupt_frames: int = 0
    retries: Counter[str] = field(default_factory=Counter)
    server_errors: Counter[str] = field(default_factory=Counter)  # 500 answers, by what was sent
    refused: list[str] = field(default_factory=list)  # anything ingest refused for good: a test failure

    def count_server_error(self, what: str, status: int) -> None:
        if status == 500:
            self.server_errors[what] += 1


async def set_up(ingest: str, exemptions: str, admin: str, plan: Plan) -> dict[str, str]:
    """Location, cameras placed there, a token per camera (returned), the plan's permits."""
    since = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    headers = {"Authorization": f"Bearer {admin}"}
    tokens = {}
    async with httpx.AsyncClient(headers=headers, timeout=30) as client:
        location = {"location_id": LOCATION, "name": "Faults", "regimes": list(REGIMES), "zone_id": "centrum"}
        _created(await client.post(f"{ingest}/v1/locations", json=location))
        for camera in CAMERAS:
            _created(await client.post(f"{ingest}/v1/cameras", json={"camera_id": camera}))
            placement = {"location_id": LOCATION, "valid_from": since}
            _created(await client.post(f"{ingest}/v1/cameras/{camera}/placements", json=placement))
            issued = await client.post(f"{ingest}/v1/cameras/{camera}/tokens", json={"label": "faults gateway"})
            tokens[camera] = _created(issued)["token"]
        for n, plate in enumerate(plan.permits):
            permit = {
                "plate": plate,
                "kind": "resident",
                "regimes": [MILIEUZONE],
                "valid_from": since,
                "reference": f"FAULTS-{n}",
                "issuer": "fault-injection suite",
            }
            _created(await client.post(f"{exemptions}/v1/exemptions", json=permit))
    return tokens


def _created(response: httpx.Response) -> Any:
    if response.status_code != 201:
        raise RuntimeError(f"{response.request.url}: {response.status_code} {response.text}")
    return response.json()


async def send_reads(ingest: str, token: str, reads: Sequence[Read], sent: Sent, batch: int, pause: float) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=ingest, headers=headers, timeout=30) as client:
        for start in range(0, len(reads), batch):
            await send_batch(client, list(reads[start : start + batch]), sent)
            await asyncio.sleep(pause)


async def send_batch(client: httpx.AsyncClient, reads: list[Read], sent: Sent, retry_after: float = 0.5) -> None:
    pending = reads
    while pending:
        body = [read_body(read) for read in pending]
        try:
            response = await client.post("/v1/reads/batch", json=body)
        except httpx.TransportError as exc:
            sent.retries[type(exc).__name__] += 1
            await asyncio.sleep(retry_after)
            continue
        if response.status_code in RETRY_STATUSES:
            sent.retries[f"batch {response.status_code}"] += 1
            sent.count_server_error("batch", response.status_code)
            await asyncio.sleep(retry_after)
            continue
        if response.status_code not in (202, 207):
            sent.refused.append(f"batch: {response.status_code} {response.text[:300]}")
            return
        sent.read_batches += 1
        again = []
        for item, read in zip(response.json()["results"], pending, strict=True):
            if item["error"] is None:
                sent.reads += 1
            elif item["status"] in RETRY_STATUSES:
                again.append(read)
                sent.count_server_error("read", item["status"])
            else:
                sent.refused.append(f"read {read.kind}: {item['status']} {item['error']}")
        if again:
            sent.retries[f"read {len(again)} of {len(pending)} 503"] += 1
            await asyncio.sleep(retry_after)
        pending = again


def read_body(read: Read) -> dict[str, object]:
    return {
        "source": "fixed_anpr",
        "location_id": LOCATION,
        "observed_at": read.observed_at.isoformat(),
        "plate": read.plate,
        "country": "NL",
        "confidence": 0.95,
    }


async def send_frames(
    ingest: str, tokens: dict[str, str], frames: Sequence[tuple[int, str]], tag: str, sent: Sent, pause: float
) -> None:
    """(number, image) pairs; image "corrupt" is a JPEG cut short after its header: ingest accepts it
    (it checks headers, not pixels) and recognition must dead-letter it."""
    async with httpx.AsyncClient(base_url=ingest, timeout=30) as client:
        for number, image in frames:
            camera = CAMERAS[number % len(CAMERAS)]
            data = (FRAMES / f"{'c12_1' if image == 'corrupt' else image}.jpg").read_bytes()
            if image == "corrupt":
                data = data[: len(data) // 3]
            while True:
                headers = {
                    "Authorization": f"Bearer {tokens[camera]}",
                    "Content-Type": "image/jpeg",
                    "X-Camera-Id": camera,
                    "X-Captured-At": datetime.now(UTC).isoformat(),
                    "X-Frame-Id": f"{tag}-{image}-{number}",
                }
                try:
                    response = await client.post("/v1/frames", content=data, headers=headers)
                except httpx.TransportError as exc:
                    sent.retries[f"frame {type(exc).__name__}"] += 1
                    await asyncio.sleep(0.5)
                    continue
                if response.status_code in RETRY_STATUSES:
                    sent.retries[f"frame {response.status_code}"] += 1
                    sent.count_server_error("frame", response.status_code)
                    await asyncio.sleep(0.5)
                    continue
                break
            if response.status_code != 202:
                sent.refused.append(f"frame {image}: {response.status_code} {response.text[:300]}")
            elif image == "corrupt":
                sent.corrupt_frames += 1
            else:
                sent.frames += 1
            await asyncio.sleep(pause)


async def send_garbage(bootstrap: str, topic: str, count: int) -> list[bytes]:
    """Messages no service can parse, straight onto the reads topic (a broken producer): dead letters."""
    from aiokafka import AIOKafkaProducer

    values = [f"fault-injection garbage {n}: not an event".encode() for n in range(count)]
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        for n, value in enumerate(values):
            await producer.send_and_wait(topic, value, key=f"garbage-{n}".encode())
    finally:
        await producer.stop()
    return values
