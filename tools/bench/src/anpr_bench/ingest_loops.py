"""The measured loops of `anpr bench ingest`: frames and reads through a real ingest server, and the same
event bytes through a bare aiokafka producer, run in alternating blocks.

Alternating blocks make the ratio fair on a shared machine: whatever else runs there slows both sides
alike, instead of whichever side happened to run during a busy minute.
"""

import asyncio
import itertools
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from anpr_bench.http_client import lean_client

BLOCKS = 5
One = Callable[[int], Awaitable[bool]]


@dataclass(frozen=True)
class Run:
    """What one measured loop did: requests answered as hoped, wall time, latency of each."""

    ok: int
    failed: int
    seconds: float
    latencies_ms: list[float]
    cpu_seconds: float = 0.0  # of the process doing the work: the ingest server, or the bare producer
    client_cpu_seconds: float = 0.0  # of this process: the bench's HTTP client, or the bare producer
    block_rates: tuple[float, ...] = ()  # requests per second of each block, when the run was made in blocks


async def drive(
    count: int, concurrency: int, one: Callable[[int], Awaitable[bool]], cpu: Callable[[], float] = time.process_time
) -> Run:
    """`one(n)` for n in 0..count-1 by `concurrency` workers; True counts as done. `cpu`: the worker's CPU clock."""
    counter, latencies, failed = iter(range(count)), [], 0

    async def worker() -> None:
        nonlocal failed
        for n in counter:
            started = time.perf_counter()
            ok = await one(n)
            latencies.append((time.perf_counter() - started) * 1000)
            failed += not ok

    started, cpu_before, own_before = time.perf_counter(), cpu(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    seconds, cpu_seconds = time.perf_counter() - started, cpu() - cpu_before
    return Run(count - failed, failed, seconds, latencies, cpu_seconds, time.process_time() - own_before)


@dataclass(frozen=True)
class Sender:
    frame: One
    read: One


@asynccontextmanager
async def ingest_client(url: str, token: str, camera_id: str, jpeg: bytes, concurrency: int) -> AsyncIterator[Sender]:
    """POST /v1/frames and /v1/reads on keep-alive connections, with a new frame id and capture time each."""
    auth = ("Authorization", f"Bearer {token}")
    frame_ids = itertools.count()
    async with lean_client(url, concurrency) as client:

        async def frame(_: int) -> bool:
            headers = [
                auth,
                ("Content-Type", "image/jpeg"),
                ("X-Camera-Id", camera_id),
                ("X-Captured-At", datetime.now(UTC).isoformat()),
                ("X-Frame-Id", f"bench-{next(frame_ids)}"),
            ]
            status, answer = await client.send(client.head("POST", "/v1/frames", headers, len(jpeg)), jpeg)
            return status == 202 and not json.loads(answer)["duplicate"]

        async def read(n: int) -> bool:
            body = {"source": "fixed_anpr", "camera_id": camera_id, "plate": f"BN{n:06d}", "confidence": 0.9}
            data = json.dumps({**body, "observed_at": datetime.now(UTC).isoformat()}).encode()
            headers = [auth, ("Content-Type", "application/json")]
            status, _ = await client.send(client.head("POST", "/v1/reads", headers, len(data)), data)
            return status == 202

        yield Sender(frame, read)


@asynccontextmanager
async def bare_producer(bootstrap: str, prefix: str, camera_id: str, jpeg: bytes) -> AsyncIterator[Sender]:
    """The same event bytes ingest publishes, with the producer settings every service uses."""
    from anpr_contracts import FRAMES, READS, FrameCaptured, PlateRecognized, ReadSource, event_to_bytes
    from anpr_runtime.kafka import ensure_topics, new_producer
    from anpr_runtime.settings import ServiceSettings

    # The local plaintext broker: development, said explicitly (unset means production, which refuses it).
    settings = ServiceSettings(environment="development", kafka_bootstrap=bootstrap, topic_prefix=prefix)
    await ensure_topics(settings, [FRAMES, READS])
    now = datetime.now(UTC)
    frame_bytes = event_to_bytes(FrameCaptured(frame_id="raw", camera_id=camera_id, captured_at=now, image_jpeg=jpeg))
    read_bytes = event_to_bytes(
        PlateRecognized(source=ReadSource.FIXED_ANPR, camera_id=camera_id, observed_at=now, plate="BN1", confidence=0.9)
    )
    producer = new_producer(settings)
    await producer.start()
    try:

        def send(topic: str, value: bytes) -> One:
            async def one(n: int) -> bool:
                await producer.send_and_wait(settings.topic(topic), value, key=f"{camera_id}-{n}".encode())
                return True

            return one

        yield Sender(send(FRAMES.name, frame_bytes), send(READS.name, read_bytes))
    finally:
        await producer.stop()


async def interleaved(
    count: int, concurrency: int, loops: dict[str, tuple[One, Callable[[], float]]], blocks: int = BLOCKS
) -> dict[str, Run]:
    """`count` requests per loop in `blocks` blocks, the loops taking turns; each loop's blocks summed."""
    done: dict[str, list[Run]] = {name: [] for name in loops}
    sizes = [count // blocks + (block < count % blocks) for block in range(blocks)]
    for size in (s for s in sizes if s):
        for name, (one, cpu) in loops.items():
            done[name].append(await drive(size, concurrency, one, cpu))
    return {name: _summed(runs) for name, runs in done.items()}


def _summed(runs: list[Run]) -> Run:
    return Run(
        ok=sum(r.ok for r in runs),
        failed=sum(r.failed for r in runs),
        seconds=sum(r.seconds for r in runs),
        latencies_ms=[ms for r in runs for ms in r.latencies_ms],
        cpu_seconds=sum(r.cpu_seconds for r in runs),
        client_cpu_seconds=sum(r.client_cpu_seconds for r in runs),
        block_rates=tuple(r.ok / r.seconds if r.seconds > 0 else 0.0 for r in runs),
    )
