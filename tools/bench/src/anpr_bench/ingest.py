"""`anpr bench ingest`: frames and reads per second accepted by a real ingest server (HTTP, auth, placement
lookup, idempotency row, Kafka acks=all), against a bare aiokafka producer sending the same event bytes
with the same settings and concurrency, in the same run.

The server is started for the bench on a free port, with its own topic prefix and its own database on
the same PostgreSQL, so a running demo is not disturbed; all three are removed afterwards."""

import asyncio
import io
import random
import secrets
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from anpr_bench.common import delete_topics, free_port, percentile
from anpr_bench.ingest_loops import Run, bare_producer, drive, ingest_client, interleaved
from anpr_bench.ingest_server import IngestProcess

Log = Callable[[str], None]


@dataclass(frozen=True)
class BenchConfig:
    # Enough that a hiccup of the broker or the machine (log segment roll, page-cache flush) is a small part.
    frames: int = 6_000
    reads: int = 5_000
    concurrency: int = 16
    frame_bytes: int = 100_000
    workers: int = 2  # ingest HTTP processes: the bare producer below is free to use every core too


def make_jpeg(target_bytes: int, seed: int = 0) -> bytes:
    """A noise JPEG of about target_bytes (within 5%): noise does not compress, so size follows area."""
    from PIL import Image

    rng, side, data = random.Random(seed), 256, b""
    for _ in range(12):
        pixels = Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3))
        buffer = io.BytesIO()
        pixels.save(buffer, "JPEG", quality=75)
        data = buffer.getvalue()
        if abs(len(data) - target_bytes) <= target_bytes * 0.05:
            return data
        side = max(16, round(side * (target_bytes / len(data)) ** 0.5))
    return data


def result_of(config: BenchConfig, runs: dict[str, Run], frame_bytes: int, in_kafka: int) -> dict[str, Any]:
    """The figures `--json` prints: rates, their ratios to the bare producer, latencies, counts."""

    def rate(name: str) -> float:
        run = runs[name]
        return round(run.ok / run.seconds, 1) if run.seconds > 0 else 0.0

    frames, raw_frames, reads, raw_reads = (rate(n) for n in ("frames", "raw_frames", "reads", "raw_reads"))
    return {
        "frames_per_s": frames,
        "raw_producer_frames_per_s": raw_frames,
        "ratio_frames_vs_raw": round(frames / raw_frames, 3) if raw_frames else 0.0,
        # The same ratio per pair of blocks: how much the machine's noise moved it during the run.
        "ratio_frames_vs_raw_by_block": [
            round(ingest / raw, 3) if raw else 0.0
            for ingest, raw in zip(runs["frames"].block_rates, runs["raw_frames"].block_rates, strict=True)
        ],
        "reads_per_s": reads,
        "raw_producer_reads_per_s": raw_reads,
        "ratio_reads_vs_raw": round(reads / raw_reads, 3) if raw_reads else 0.0,
        # CPU per accepted request varies far less than rates on a shared machine.
        "ingest_cpu_ms_per_frame": _cpu_ms(runs["frames"]),
        "raw_producer_cpu_ms_per_frame": _cpu_ms(runs["raw_frames"]),
        "ingest_cpu_ms_per_read": _cpu_ms(runs["reads"]),
        "raw_producer_cpu_ms_per_read": _cpu_ms(runs["raw_reads"]),
        # The bench's own HTTP client shares the machine with ingest: what it costs, for the reader to judge.
        "bench_client_cpu_ms_per_frame": _per_request_ms(runs["frames"].client_cpu_seconds, runs["frames"]),
        "frames_p50_ms": round(percentile(runs["frames"].latencies_ms, 0.5), 2),
        "frames_p99_ms": round(percentile(runs["frames"].latencies_ms, 0.99), 2),
        "reads_p50_ms": round(percentile(runs["reads"].latencies_ms, 0.5), 2),
        "reads_p99_ms": round(percentile(runs["reads"].latencies_ms, 0.99), 2),
        "frame_bytes": frame_bytes,
        "frames": config.frames,
        "reads": config.reads,
        "concurrency": config.concurrency,
        "ingest_workers": config.workers,
        "frames_in_kafka": in_kafka,
        "failed_requests": runs["frames"].failed + runs["reads"].failed,
    }


def _cpu_ms(run: Run) -> float:
    return _per_request_ms(run.cpu_seconds, run)


def _per_request_ms(seconds: float, run: Run) -> float:
    return round(seconds * 1000 / run.ok, 3) if run.ok else 0.0


@asynccontextmanager
async def bench_database(database_url: str, log: Log) -> AsyncIterator[str]:
    """A database of its own on the same server, dropped afterwards."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url
    from sqlalchemy.ext.asyncio import create_async_engine

    name = f"anpr_bench_{secrets.token_hex(4)}"
    admin = create_async_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        log(f"database {name} created")
        yield make_url(database_url).set(database=name).render_as_string(hide_password=False)
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def place_bench_camera(client: httpx.AsyncClient, tag: str) -> tuple[str, str]:
    camera_id, location_id = f"bench-{tag}-cam", f"bench-{tag}-loc"
    since = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    location = {"location_id": location_id, "name": "Bench", "regimes": ["milieuzone-centrum"], "zone_id": "centrum"}
    for path, body in (
        ("/v1/locations", location),
        ("/v1/cameras", {"camera_id": camera_id}),
        (f"/v1/cameras/{camera_id}/placements", {"location_id": location_id, "valid_from": since}),
    ):
        response = await client.post(path, json=body)
        if response.status_code != 201:
            raise RuntimeError(f"{path}: {response.status_code} {response.text}")
    return camera_id, location_id


async def run(config: BenchConfig, bootstrap: str, database_url: str, log: Log) -> dict[str, Any]:
    from anpr_contracts import FRAMES

    tag = secrets.token_hex(4)
    prefix, token, jpeg = f"bench-{tag}.", secrets.token_urlsafe(24), make_jpeg(config.frame_bytes)
    log(f"frame JPEG {len(jpeg):,} bytes; topic prefix {prefix}")
    try:
        async with bench_database(database_url, log) as own_database:
            env = {"KAFKA_BOOTSTRAP": bootstrap, "DATABASE_URL": own_database, "ANPR_TOPIC_PREFIX": prefix}
            env["ANPR_ENV"] = "development"  # plaintext Kafka and PostgreSQL on 127.0.0.1 (unset: production)
            workers = {"ANPR_INGEST_HTTP_WORKERS": str(config.workers)}
            server = IngestProcess({**env, **workers, "ANPR_ADMIN_TOKEN": token}, free_port())
            try:
                await asyncio.to_thread(server.start)
                log(f"ingest ready at {server.url} (log {server.log_file})")
                async with httpx.AsyncClient(base_url=server.url, headers=_bearer(token), timeout=60) as setup:
                    camera_id, _ = await place_bench_camera(setup, tag)
                async with (
                    ingest_client(server.url, token, camera_id, jpeg, config.concurrency) as ingest,
                    bare_producer(bootstrap, f"{prefix}raw.", camera_id, jpeg) as raw,
                ):
                    for warm_up in (ingest.frame, ingest.read, raw.frame, raw.read):
                        await drive(2 * config.concurrency, config.concurrency, warm_up)
                    log(f"{config.frames:,} frames through ingest and the bare producer, in alternating blocks")
                    runs = await interleaved(
                        config.frames,
                        config.concurrency,
                        {"frames": (ingest.frame, server.cpu_seconds), "raw_frames": (raw.frame, time.process_time)},
                    )
                    log(f"{config.reads:,} reads through ingest and the bare producer, in alternating blocks")
                    runs |= await interleaved(
                        config.reads,
                        config.concurrency,
                        {"reads": (ingest.read, server.cpu_seconds), "raw_reads": (raw.read, time.process_time)},
                    )
            finally:
                await asyncio.to_thread(server.stop)
            server.log_file.unlink()  # kept only when something failed: the error names it
        in_kafka = await messages_on(bootstrap, f"{prefix}{FRAMES.name}")
    finally:
        await delete_topics(bootstrap, prefix)
    return result_of(config, runs, len(jpeg), in_kafka - 2 * config.concurrency)  # minus the warm-up frames


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def messages_on(bootstrap: str, topic: str) -> int:
    """Every message on a topic: the sum of its partitions' end offsets."""
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap)
    await consumer.start()  # subscribed: start() waits for the topic's metadata
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        return sum((await consumer.end_offsets(partitions)).values()) if partitions else 0
    finally:
        await consumer.stop()
