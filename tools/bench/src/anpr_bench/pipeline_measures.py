"""What `anpr bench pipeline` measures besides the pipeline: the CPU time of each process, and the
baseline, a bare aiokafka producer and a consumer group member on the same broker with the settings the
services use (acks=all, idempotence, manual commit per fetched batch), moving messages the size of a read
event and doing nothing else. What the pipeline adds is what it costs."""

import asyncio
import os
import time
from pathlib import Path
from typing import Any

import asyncpg

from anpr_bench.common import percentile, process_cpu_seconds
from anpr_bench.faults.cluster import Cluster


async def raw_kafka_loop(bootstrap: str, topic: str, count: int, window: int = 1000) -> dict[str, Any]:
    """`count` messages produced with up to `window` unacknowledged, consumed and committed; rate and latency."""
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    from anpr_contracts import READS, PlateRecognized, ReadSource, event_to_bytes
    from anpr_runtime.kafka import new_consumer, new_producer
    from anpr_runtime.settings import ServiceSettings

    settings = ServiceSettings(environment="development", kafka_bootstrap=bootstrap)  # the local plaintext broker
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, READS.partitions, 1)])
    finally:
        await admin.close()
    read = PlateRecognized(
        source=ReadSource.FIXED_ANPR, location_id="loc", observed_at=time_now(), plate="GH123K", confidence=0.9
    )
    value = event_to_bytes(read)
    producer, consumer = new_producer(settings), new_consumer(settings, topic, group_id=f"{topic}.group")
    await producer.start()
    await consumer.start()
    latencies: list[float] = []
    try:
        receiving = asyncio.create_task(_consume(consumer, count, latencies))
        started = time.time()
        for start in range(0, count, window):
            sends = [
                await producer.send(topic, value, key=f"k{n}".encode(), headers=[("t", str(time.time()).encode())])
                for n in range(start, min(count, start + window))
            ]
            await asyncio.gather(*sends)
        await asyncio.wait_for(receiving, timeout=600)
        finished = time.time()
    finally:
        await consumer.stop()
        await producer.stop()
    return {
        "raw_kafka_per_s": round(count / (finished - started), 1),
        "raw_kafka_p95_s": round(percentile(latencies, 0.95), 3),
        "raw_kafka_message_bytes": len(value),
    }


async def _consume(consumer: Any, count: int, latencies: list[float]) -> None:
    while len(latencies) < count:
        batches = await consumer.getmany(timeout_ms=500, max_records=500)
        now = time.time()
        for records in batches.values():
            latencies.extend(now - float(dict(r.headers)["t"]) for r in records)
        if batches:
            await consumer.commit()


def time_now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def cpu_seconds(cluster: Cluster) -> dict[str, float]:
    """CPU seconds so far of each service instance, the broker and PostgreSQL (postmaster and backends)."""
    found = {instance.name: process_cpu_seconds(pid) for instance, pid in cluster.pids().items()}
    kafka = cluster.run_dir / "kafka.pid"
    if kafka.exists():
        found["kafka"] = process_cpu_seconds(int(kafka.read_text()))
    found["postgres"] = _postgres_cpu(cluster.run_dir / "pg" / "data" / "postmaster.pid")
    return found


def _postgres_cpu(pid_file: Path) -> float:
    """The postmaster with the backends it has reaped, plus the live backends (the services' pools)."""
    try:
        postmaster = int(pid_file.read_text().split()[0])
        children = Path(f"/proc/{postmaster}/task/{postmaster}/children").read_text().split()
        fields = Path(f"/proc/{postmaster}/stat").read_text().rpartition(")")[2].split()
    except (OSError, ValueError, IndexError):
        return 0.0
    reaped = (int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])) / os.sysconf("SC_CLK_TCK")
    return reaped + sum(process_cpu_seconds(int(child)) for child in children)


async def stored_candidates(dsn: str) -> list[tuple[str, float]]:
    """Every stored candidate's plate and when notices stored it (epoch seconds): what the latencies end at."""
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch("SELECT plate, created_at FROM notices.candidates")
    finally:
        await connection.close()
    return [(row["plate"], row["created_at"].timestamp()) for row in rows]
