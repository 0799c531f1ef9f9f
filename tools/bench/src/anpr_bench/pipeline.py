"""`anpr bench pipeline`: reads per second end to end (POST /v1/reads/batch at ingest -> rules -> candidate
stored by notices) and the latency of each candidate, then frames through recognition, then a bare
aiokafka produce-and-consume loop on the same broker with the same message size: the limit of this machine.

All five services run as processes (own database, topics and consumer groups, removed afterwards); the
CPU each process spent on the reads is reported, which says where the time goes."""

import asyncio
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import asyncpg
import httpx
import typer

from anpr_bench.common import delete_topics, percentile
from anpr_bench.faults.cluster import Cluster, own_database
from anpr_bench.faults.plan import FRAME_CANDIDATES, Read, make_plan
from anpr_bench.faults.scenario import consumer_groups, import_registry, permits_indexed, service_env
from anpr_bench.faults.traffic import CAMERAS, FRAMES, Sent, send_batch, set_up
from anpr_bench.faults.verify import plain_dsn, wait_drained
from anpr_bench.pipeline_measures import cpu_seconds, raw_kafka_loop, stored_candidates
from anpr_cli.paths import SERVICES

Log = Callable[[str], None]


@dataclass(frozen=True)
class PipelineConfig:
    reads: int = 40_000
    frames: int = 100
    batch: int = 500
    concurrency: int = 4  # batches in flight at most
    rules_instances: int = 1
    rate: float = 2_200.0  # reads per second offered, evenly spread; 0: as fast as ingest takes them
    frame_rate: float = 3.0  # frames per second offered (a few cameras); 0: one after the other at once


async def run(config: PipelineConfig, run_dir: Path, bootstrap: str, database_url: str, log: Log) -> dict[str, Any]:
    tag = secrets.token_hex(3)
    prefix = f"pipeline-{tag}."
    plan = make_plan(config.reads, config.frames, 0, 0, datetime.now(UTC))
    admin, service_token, key = (secrets.token_urlsafe(24) for _ in range(3))
    figures: dict[str, Any] = {
        "reads": len(plan.reads),
        # Those the reads must raise (the frames' come later): a fast pipeline that loses some must not look good.
        "expected_candidates": sum(plate not in FRAME_CANDIDATES for plate, _ in plan.expected),
        "offered_reads_per_s": config.rate or "unpaced",
        "batch": config.batch,
        "concurrency": config.concurrency,
    }
    try:
        async with own_database(database_url, f"anpr_pipeline_{tag}") as database:
            dsn = plain_dsn(database)
            await import_registry(plan, database, run_dir / f"pipeline-{tag}-rdw")
            cluster = Cluster(run_dir, service_env(bootstrap, database, prefix, tag, admin, service_token, key), tag)
            instances = [cluster.instance(s) for s in SERVICES]
            instances += [cluster.instance("rules", n) for n in range(1, config.rules_instances)]
            try:
                for instance in instances:
                    cluster.start(instance)
                for instance in instances:
                    await cluster.wait_ready(instance)
                ingest = cluster.instance("ingest").url
                tokens = await set_up(ingest, cluster.instance("exemptions").url, admin, plan)
                await permits_indexed(cluster.instance("rules").url, admin, len(plan.permits))
                log(f"services ready; posting {len(plan.reads):,} reads, {config.batch} per batch")
                figures |= await _reads(config, plan.reads, cluster, ingest, service_token, dsn, bootstrap, tag, log)
                log(f"posting {config.frames} frames")
                figures |= await _frames(config, ingest, tokens, tag, dsn, bootstrap, prefix)
            finally:
                cluster.stop_all()
        log("bare aiokafka produce-and-consume loop")
        # As many unacknowledged as ingest may have: `concurrency` requests of `batch` reads.
        figures |= await raw_kafka_loop(bootstrap, f"{prefix}raw", len(plan.reads), config.batch * config.concurrency)
    finally:
        await delete_topics(bootstrap, prefix)
    figures["ratio_vs_raw_kafka"] = round(figures["reads_per_s"] / figures["raw_kafka_per_s"], 3)
    figures["target_met"] = passed_target(figures)
    figures["national_target_met"] = passed_national_target(figures)
    return figures


async def _reads(
    config: PipelineConfig,
    reads: list[Read],
    cluster: Cluster,
    ingest: str,
    token: str,
    dsn: str,
    bootstrap: str,
    tag: str,
    log: Log,
) -> dict[str, Any]:
    sent_at: dict[str, float] = {}  # plate -> wall clock when its first read was posted
    batches = [reads[n : n + config.batch] for n in range(0, len(reads), config.batch)]
    cpu_before = cpu_seconds(cluster)
    load_before = os.getloadavg()[0]
    started = time.time()
    queue, sent = iter(enumerate(batches)), Sent()

    async def worker(client: httpx.AsyncClient) -> None:
        for n, batch in queue:
            if config.rate:  # batch n is due when the reads before it have had their share of a second
                await asyncio.sleep(max(0.0, started + n * config.batch / config.rate - time.time()))
            posted = time.time()
            for read in batch:
                sent_at.setdefault(read.plate, posted)
            await send_batch(client, batch, sent)  # retries what ingest could not pass to Kafka (503)
            if sent.refused:
                raise RuntimeError(f"ingest refused reads: {sent.refused[:3]}")

    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=ingest, headers=headers, timeout=120) as client:
        await asyncio.gather(*(worker(client) for _ in range(config.concurrency)))
    accepted = time.time()
    log(f"ingest accepted them in {accepted - started:.1f} s; waiting for rules and notices")
    groups = {g: t for g, t in consumer_groups(tag, cluster.env["ANPR_TOPIC_PREFIX"]).items() if "recognition" not in g}
    await wait_drained(bootstrap, groups, dsn, within=1800, quiet=2)
    cpu = {name: after - cpu_before.get(name, 0.0) for name, after in cpu_seconds(cluster).items()}
    load_after = os.getloadavg()[0]
    stored = await stored_candidates(dsn)
    latencies = [at - sent_at[plate] for plate, at in stored if plate in sent_at]
    first, finished = min(at for _, at in stored), max(at for _, at in stored)
    return {
        # The sustained rate: reads completed per second between the first and the last candidate stored
        # (candidates are spread evenly over the reads). Below the offered rate when the pipeline falls
        # behind; the latency of the first read through is not counted against it, as it is below.
        "reads_per_s": round(len(reads) * (len(stored) - 1) / len(stored) / (finished - first), 1),
        "reads_per_s_first_post_to_last_stored": round(len(reads) / (finished - started), 1),
        "ingest_accepted_reads_per_s": round(len(reads) / (accepted - started), 1),
        "candidates": len(stored),
        "ingest_retries": sum(sent.retries.values()),
        "p50_s": round(percentile(latencies, 0.5), 3),
        "p95_s": round(percentile(latencies, 0.95), 3),
        "p99_s": round(percentile(latencies, 0.99), 3),
        "cpu_ms_per_read": {name: round(seconds * 1000 / len(reads), 3) for name, seconds in cpu.items()},
        # The machine's 1-minute load when the reads began and when they were all stored: every figure
        # above depends on what else ran, so it travels with them.
        "load_1m": [round(load_before, 2), round(load_after, 2)],
    }


async def _frames(
    config: PipelineConfig, ingest: str, tokens: dict[str, str], tag: str, dsn: str, bootstrap: str, prefix: str
) -> dict[str, Any]:
    from anpr_bench.faults.plan import FRAME_IMAGES

    posted: dict[str, float] = {}
    started = time.time()
    async with httpx.AsyncClient(base_url=ingest, timeout=60) as client:
        for n in range(config.frames):
            camera, image = CAMERAS[n % len(CAMERAS)], FRAME_IMAGES[n % len(FRAME_IMAGES)]
            frame_id = f"{tag}-{n}"
            headers = {
                "Authorization": f"Bearer {tokens[camera]}",
                "Content-Type": "image/jpeg",
                "X-Camera-Id": camera,
                "X-Captured-At": datetime.now(UTC).isoformat(),
                "X-Frame-Id": frame_id,
            }
            if config.frame_rate:
                await asyncio.sleep(max(0.0, started + n / config.frame_rate - time.time()))
            posted[frame_id] = time.time()
            response = await client.post("/v1/frames", content=(FRAMES / f"{image}.jpg").read_bytes(), headers=headers)
            if response.status_code != 202:
                raise RuntimeError(f"ingest answered {response.status_code}: {response.text[:300]}")
    await wait_drained(bootstrap, consumer_groups(tag, prefix), dsn, within=1800, quiet=2)
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch("SELECT frame_id, processed_at FROM recognition.processed_frames")
    finally:
        await connection.close()
    done = {row["frame_id"]: row["processed_at"].timestamp() for row in rows}
    latencies = [done[f] - at for f, at in posted.items() if f in done]
    return {
        "frames": config.frames,
        "offered_frames_per_s": config.frame_rate or "unpaced",
        "frames_per_s": round(len(done) / (max(done.values()) - started), 2) if done else 0.0,
        "frame_recognised_p95_s": round(percentile(latencies, 0.95), 3),
    }


def passed_target(figures: dict[str, Any]) -> bool:
    """Issue 7's target: at least 2,000 pre-recognised reads/s end to end with a p95 latency under 2 s."""
    complete = figures["candidates"] == figures["expected_candidates"]
    return bool(complete and figures["reads_per_s"] >= 2000 and figures["p95_s"] < 2.0)


def passed_national_target(figures: dict[str, Any]) -> bool:
    """Issue 19's target, when offered 5,000 reads/s: at least 4,900 end to end with a p95 of at most 1 s."""
    complete = figures["candidates"] == figures["expected_candidates"]
    return bool(complete and figures["reads_per_s"] >= 4900 and figures["p95_s"] <= 1.0)


def bench_pipeline(
    reads: Annotated[int, typer.Option(min=1000, help="pre-recognised reads posted to ingest")] = 40_000,
    frames: Annotated[int, typer.Option(min=0, help="demo camera frames posted to ingest")] = 100,
    batch: Annotated[int, typer.Option(min=1, max=1000, help="reads per POST /v1/reads/batch")] = 500,
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="batches in flight")] = 4,
    rules_instances: Annotated[int, typer.Option(min=1, max=4, help="rules processes in the consumer group")] = 1,
    rate: Annotated[
        float, typer.Option(min=0, help="reads per second offered, evenly spread (0: as fast as ingest takes them)")
    ] = 2_200,
    frame_rate: Annotated[float, typer.Option(min=0, help="frames per second offered (0: all at once)")] = 3.0,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object on the last line")] = False,
) -> None:
    """Reads per second end to end (ingest to candidate stored) and candidate latency at an offered rate,
    frames per second, against a bare aiokafka produce-and-consume loop on the same broker in the same run."""
    import json

    from rich.console import Console
    from rich.table import Table

    from anpr_cli.paths import load_run_env, run_dir

    load_run_env()
    bootstrap, database_url = os.environ.get("KAFKA_BOOTSTRAP"), os.environ.get("DATABASE_URL")
    if not bootstrap or not database_url:
        raise typer.BadParameter("the bench needs Kafka and PostgreSQL: run `anpr up` first")
    config = PipelineConfig(reads, frames, batch, concurrency, rules_instances, rate, frame_rate)
    log = Console(stderr=True).log
    figures = asyncio.run(run(config, run_dir(), bootstrap, database_url, log=lambda m: log(m)))
    table = Table("figure", "value", title="anpr bench pipeline")
    for name, value in figures.items():
        table.add_row(
            name, f"{value:,}" if isinstance(value, int | float) and not isinstance(value, bool) else json.dumps(value)
        )
    Console().print(table)
    if as_json:
        print(json.dumps(figures))
