"""One fault run: a database, topics and consumer groups of its own on the running Kafka and PostgreSQL
(or, with `brokers` 3, on a Kafka cluster and a PostgreSQL of the run's own); all five services as
processes; the plan's traffic sent in chunks, each chunk while one fault step happens (steps.py: a
SIGKILLed service restarted, a second instance joining or leaving, a broker or the database killed,
restarted or hung, a disk full); then wait until the pipeline has drained and count."""

import asyncio
import contextlib
import secrets
import shutil
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from anpr_bench.common import delete_topics
from anpr_bench.faults.cluster import Cluster, own_database
from anpr_bench.faults.infra import OWN_PORT_OFFSET, Infra, own_infra, running_infra
from anpr_bench.faults.infra_steps import replication
from anpr_bench.faults.outcome import Outcome
from anpr_bench.faults.plan import Plan, make_plan, write_registry
from anpr_bench.faults.steps import FULL_STEPS, REDUCED_STEPS, needs_disks, take
from anpr_bench.faults.traffic import Sent, send_frames, send_garbage, send_reads, set_up
from anpr_bench.faults.verify import dead_letters, mentions, plain_dsn, wait_drained
from anpr_cli.paths import SERVICES, demo_rdw_dir
from anpr_runtime.dead_letter_seal import DeadLetterSeal

Log = Callable[[str], None]
__all__ = ["FULL_STEPS", "REDUCED_STEPS", "FaultConfig", "run"]


@dataclass(frozen=True)
class FaultConfig:
    reads: int = 10_000
    frames: int = 300
    corrupt_frames: int = 5
    garbage_reads: int = 5
    steps: tuple[str, ...] = FULL_STEPS
    batch: int = 100
    # Each chunk of traffic is spread over about this long, so it is still being sent when its fault hits.
    chunk_seconds: float = 10.0
    drain_timeout: float = 300.0
    # 1: the running Kafka and PostgreSQL (`anpr up`). 3: a cluster of three brokers and a PostgreSQL of the
    # run's own, ports OWN_PORT_OFFSET above the running broker's, purged afterwards.
    brokers: int = 1
    hang_seconds: float = 25.0  # SIGSTOP past the session (10 s) and request (15 s) timeouts
    down_seconds: float = 8.0  # how long a killed broker stays down once its partitions have moved
    # Started with the five services (e.g. "rules-1": a second instance in the group before anything hangs).
    extra_instances: tuple[str, ...] = ()
    disk_mib: int = 384  # each small disk of the full-disk steps (tmpfs: memory while full)


async def run(config: FaultConfig, run_dir: Path, bootstrap: str, database_url: str, log: Log) -> dict[str, Any]:
    tag = secrets.token_hex(3)
    plan = make_plan(config.reads, config.frames, config.corrupt_frames, config.garbage_reads, datetime.now(UTC))
    log(f"run {tag}: {len(plan.reads):,} reads, {plan.frames} frames, {len(plan.expected):,} expected candidates")
    started = time.monotonic()
    async with _infrastructure(config, run_dir, tag, bootstrap, database_url, log) as infra:
        return await _run(config, plan, infra, run_dir, tag, started, log)


@contextlib.asynccontextmanager
async def _infrastructure(
    config: FaultConfig, run_dir: Path, tag: str, bootstrap: str, database_url: str, log: Log
) -> AsyncIterator[Infra]:
    if config.brokers == 1:
        yield running_infra(run_dir, bootstrap, database_url)
        return
    base = int(bootstrap.split(",")[0].rpartition(":")[2]) + OWN_PORT_OFFSET
    disk = config.disk_mib if needs_disks(config.steps) else 0
    log(f"starting {config.brokers} Kafka brokers (ports from {base}) and PostgreSQL for the run")
    async with own_infra(run_dir / f"faults-{tag}-infra", config.brokers, base, disk) as infra:
        log(f"infrastructure ready: {infra.bootstrap}")
        yield infra


async def _run(
    config: FaultConfig, plan: Plan, infra: Infra, run_dir: Path, tag: str, started: float, log: Log
) -> dict[str, Any]:
    """`run_dir`: the caller's, where the service processes' pid files are (with-infra.sh ends them)."""
    from anpr_contracts import DLQ, READS

    prefix = f"faults-{tag}."
    bootstrap, database_url = infra.bootstrap, infra.database_url
    admin, service_token, key, dead_letter_key = (secrets.token_urlsafe(24) for _ in range(4))
    try:
        async with own_database(database_url, f"anpr_faults_{tag}") as database:
            dsn = plain_dsn(database)
            await import_registry(plan, database, run_dir / f"faults-{tag}-rdw")
            env = service_env(bootstrap, database, prefix, tag, admin, service_token, key)
            env["ANPR_DEAD_LETTER_KEY"] = dead_letter_key  # the run opens its dead letters with it to count them
            cluster = Cluster(run_dir, env, tag)
            try:
                instances = [cluster.instance(service) for service in SERVICES]
                extra = (name.rpartition("-") for name in config.extra_instances)
                instances += [cluster.instance(service, int(index)) for service, _, index in extra]
                for instance in instances:
                    cluster.start(instance)
                for instance in instances:
                    await cluster.wait_ready(instance)
                log(f"{len(instances)} service instances ready")
                ingest, exemptions = cluster.instance("ingest").url, cluster.instance("exemptions").url
                tokens = await set_up(ingest, exemptions, admin, plan)
                await permits_indexed(cluster.instance("rules").url, admin, len(plan.permits))
                garbage = await send_garbage(bootstrap, f"{prefix}{READS.name}", plan.garbage_reads)
                replicated = await replication(bootstrap, f"{prefix}{READS.name}")
                no_hits = sorted(plan.no_hit_plates)
                before = await mentions(dsn, no_hits, key)
                sent, events = await _traffic_under_faults(
                    config, plan, cluster, infra, tokens, service_token, tag, log
                )
                log(f"sent {sent.reads:,} reads and {sent.frames} frames; waiting for the pipeline to drain")
                groups = consumer_groups(tag, prefix)
                drained = await _drain(bootstrap, groups, dsn, config.drain_timeout)
                log(f"drained: {drained}")
                outcome = Outcome(plan, tag, garbage)
                seal = DeadLetterSeal.from_secret(dead_letter_key)
                await outcome.collect(dsn, await dead_letters(bootstrap, f"{prefix}{DLQ.name}", seal))
                after = await mentions(dsn, no_hits, key)
            finally:
                cluster.stop_all()
    finally:
        await delete_topics(bootstrap, prefix)
    figures = outcome.figures(sent, events, after - before, drained, time.monotonic() - started)
    return figures | {"brokers": infra.brokers, "reads_topic": replicated}


async def _traffic_under_faults(
    config: FaultConfig,
    plan: Plan,
    cluster: Cluster,
    infra: Infra,
    tokens: dict[str, str],
    service_token: str,
    tag: str,
    log: Log,
) -> tuple[Sent, list[dict[str, Any]]]:
    sent, events = Sent(), []
    chunks = len(config.steps) + 1
    frames = _frames_with_corrupt(plan)
    ingest = cluster.instance("ingest").url
    for n in range(chunks):
        reads = plan.reads[n * len(plan.reads) // chunks : (n + 1) * len(plan.reads) // chunks]
        some_frames = frames[n * len(frames) // chunks : (n + 1) * len(frames) // chunks]
        read_pause = config.chunk_seconds / max(1, -(-len(reads) // config.batch))
        frame_pause = config.chunk_seconds / max(1, len(some_frames))
        traffic = asyncio.gather(
            send_reads(ingest, service_token, reads, sent, config.batch, read_pause),
            send_frames(ingest, tokens, some_frames, tag, sent, frame_pause),
        )
        if n < len(config.steps):
            step = config.steps[n]
            await asyncio.sleep(1.5)  # let the chunk get going: the fault hits traffic in flight
            began = time.monotonic()
            error, detail = await _step(step, cluster, infra, f"faults-{tag}.", config)
            events.append({"step": step, "seconds": round(time.monotonic() - began, 1), "error": error, **detail})
            log(f"{step}: {events[-1]['seconds']} s {detail or ''}{f' ({error})' if error else ''}")
        await traffic
    return sent, events


async def _step(
    step: str, cluster: Cluster, infra: Infra, prefix: str, config: FaultConfig
) -> tuple[str | None, dict[str, Any]]:
    try:
        return None, await take(step, cluster, infra, prefix, config.hang_seconds, config.down_seconds)
    except (TimeoutError, RuntimeError) as exc:
        first, _, rest = str(exc).partition("\n")  # which instance; then the end of its log
        return f"{type(exc).__name__}: {first} ... {rest[-400:]}", {}


def _frames_with_corrupt(plan: Plan) -> list[tuple[int, str]]:
    frames = list(enumerate(plan.frame_images()))
    total = len(frames) + plan.corrupt_frames
    for n in range(plan.corrupt_frames):
        position = (n + 1) * total // (plan.corrupt_frames + 1)
        frames.insert(min(position, len(frames)), (n, "corrupt"))
    return frames


async def _drain(bootstrap: str, groups: dict[str, tuple[str, ...]], dsn: str, within: float) -> bool:
    try:
        await wait_drained(bootstrap, groups, dsn, within)
    except TimeoutError:
        return False
    return True


def consumer_groups(tag: str, prefix: str) -> dict[str, tuple[str, ...]]:
    from anpr_contracts import CANDIDATES, COMMANDS, FRAMES, READS

    return {
        f"faults-{tag}-recognition": (f"{prefix}{FRAMES.name}",),
        f"faults-{tag}-rules": (f"{prefix}{READS.name}", f"{prefix}{COMMANDS.name}"),
        f"faults-{tag}-notices": (f"{prefix}{CANDIDATES.name}",),
    }


def service_env(
    bootstrap: str, database_url: str, prefix: str, tag: str, admin: str, service_token: str, key: str
) -> dict[str, str]:
    env = {
        # The suite's own plaintext Kafka and PostgreSQL on 127.0.0.1: development, said explicitly (unset
        # would mean production, which refuses both).
        "ANPR_ENV": "development",
        "KAFKA_BOOTSTRAP": bootstrap,
        "DATABASE_URL": database_url,
        "ANPR_ADMIN_TOKEN": admin,
        "ANPR_TOKENS": f"{service_token}:service",
        "ANPR_PSEUDONYM_KEY": key,
        "ANPR_TOPIC_PREFIX": prefix,
        "ANPR_RECOGNITION_ONNX_THREADS": "1",  # two instances share two cores with everything else
        "ANPR_NOTICES_PURGE_INTERVAL_SECONDS": "0",
    }
    for service in SERVICES:
        env[f"ANPR_{service.upper()}_CONSUMER_GROUP"] = f"faults-{tag}-{service}"
    return env


async def import_registry(plan: Plan, database_url: str, folder: Path) -> None:
    from anpr_rules import SPEC, import_vehicles
    from anpr_runtime.db import create_engine, run_migrations

    files = write_registry(plan, demo_rdw_dir(), folder)
    await run_migrations(database_url, SPEC.migrations_dir, SPEC.schema)
    engine = create_engine(database_url)
    try:
        special, body = [files["bijzonderheden"]], [files["carrosserie"], files["carrosserie_specifiek"]]
        await import_vehicles(engine, files["voertuigen"], files["brandstof"], special, body)
    finally:
        await engine.dispose()
    shutil.rmtree(folder)


async def permits_indexed(rules: str, admin: str, count: int, within: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + within
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {admin}"}, timeout=5) as client:
        while (await client.get(f"{rules}/v1/status")).json().get("permits", 0) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"rules did not index {count} permits within {within:.0f} s")
            await asyncio.sleep(0.5)
