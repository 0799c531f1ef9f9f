"""`anpr bench soak`: the whole pipeline under steady traffic for a long time. Reads at a steady rate and
frames at camera rates go through all five services (as processes, with a database, topics and consumer
groups of the run's own, as in the fault suite); every `sample_seconds` each process's memory, open file
descriptors and database connections and each consumer group's lag are sampled. At the end: growth per
process, lost and duplicated candidates (the fault suite's definitions), the largest lag, the
read-to-candidate latency, and a PNG of memory and lag over time."""

import asyncio
import json
import os
import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from anpr_bench.common import delete_topics, percentile
from anpr_bench.faults.cluster import Cluster, own_database
from anpr_bench.faults.infra import OWN_PORT_OFFSET, own_infra
from anpr_bench.faults.outcome import Outcome
from anpr_bench.faults.plan import make_plan
from anpr_bench.faults.scenario import consumer_groups, import_registry, permits_indexed, service_env
from anpr_bench.faults.traffic import Sent
from anpr_bench.faults.verify import dead_letters, plain_dsn, wait_drained
from anpr_bench.pipeline_measures import stored_candidates
from anpr_bench.soak_figures import Sample, summary
from anpr_bench.soak_lag import KafkaOffsets
from anpr_bench.soak_plot import write_plot
from anpr_bench.soak_sampler import Sampler, infra_pids, running_brokers
from anpr_bench.soak_setup import set_up_soak
from anpr_bench.soak_traffic import OnSample, Pace, Traffic, sample_while
from anpr_cli.paths import SERVICES
from anpr_cli.processes import alive
from anpr_runtime.dead_letter_seal import DeadLetterSeal

Log = Callable[[str], None]
# Counted the fault suite's way; a soak sends no corrupt frame or garbage, so each must be 0.
OUTCOME_KEYS = ("expected", "candidates", "lost", "duplicates", "unexpected", "dead_letters")


@dataclass(frozen=True)
class SoakConfig:
    minutes: float = 60.0
    sample_seconds: float = 60.0
    rate: float = 100.0  # reads per second offered, evenly spread
    frame_rate: float = 1.0  # frames per second offered, over the cameras in turn
    batch: int = 20  # reads per POST /v1/reads/batch
    concurrency: int = 2  # batches in flight at most: a slow answer does not stop the clock
    drain_timeout: float = 900.0
    plot: Path | None = None  # default: <run dir>/soak-<tag>.png
    # None: the running Kafka (`anpr up`, one broker or `--brokers 3`). A count the running one does not
    # have: a Kafka of that many brokers and a PostgreSQL of the soak's own, purged afterwards.
    brokers: int | None = None


async def run(
    config: SoakConfig, run_dir: Path, bootstrap: str, database_url: str, log: Log, on_sample: OnSample
) -> dict[str, Any]:
    if config.brokers is None or config.brokers == running_brokers(run_dir):
        return await _run(config, run_dir, run_dir, bootstrap, database_url, log, on_sample)
    # Above the fault suite's own infrastructure (OWN_PORT_OFFSET): a soak and a fault run may overlap.
    base = int(bootstrap.split(",")[0].rpartition(":")[2]) + 2 * OWN_PORT_OFFSET
    log(f"starting {config.brokers} Kafka brokers (ports from {base}) and PostgreSQL for the soak")
    async with own_infra(run_dir / f"soak-infra-{secrets.token_hex(3)}", config.brokers, base) as infra:
        return await _run(config, run_dir, infra.run_dir, infra.bootstrap, infra.database_url, log, on_sample)


async def _run(
    config: SoakConfig,
    run_dir: Path,
    infra_dir: Path,  # where the broker and PostgreSQL pid files are
    bootstrap: str,
    database_url: str,
    log: Log,
    on_sample: OnSample,
) -> dict[str, Any]:
    from anpr_contracts import DLQ

    tag = secrets.token_hex(3)
    prefix = f"soak-{tag}."
    seconds = config.minutes * 60
    reads, frames = max(100, round(seconds * config.rate)), round(seconds * config.frame_rate)
    plan = make_plan(reads, frames, 0, 0, datetime.now(UTC))
    admin, service_token, key, dead_letter_key = (secrets.token_urlsafe(24) for _ in range(4))
    figures: dict[str, Any] = {
        "minutes": config.minutes,
        "sample_seconds": config.sample_seconds,
        "reads": len(plan.reads),
        "frames": plan.frames,
        # The plan's reads (violators some twice) spread over the minutes: a little above --rate.
        "offered_reads_per_s": round(len(plan.reads) / seconds, 1),
        "offered_frames_per_s": config.frame_rate,
        "load_average_at_start": [round(load, 2) for load in os.getloadavg()],
        "brokers": running_brokers(infra_dir),
    }
    log(f"soak {tag}: {len(plan.reads):,} reads and {plan.frames:,} frames over {config.minutes:g} min")
    started = time.monotonic()
    try:
        async with own_database(database_url, f"anpr_soak_{tag}") as database:
            dsn = plain_dsn(database)
            await import_registry(plan, database, run_dir / f"soak-{tag}-rdw")
            env = service_env(bootstrap, database, prefix, tag, admin, service_token, key)
            env["ANPR_DEAD_LETTER_KEY"] = dead_letter_key  # the run opens its dead letters with it to count them
            cluster = Cluster(run_dir, env, tag)
            try:
                for service in SERVICES:
                    cluster.start(cluster.instance(service))
                for service in SERVICES:
                    await cluster.wait_ready(cluster.instance(service))
                ingest = cluster.instance("ingest").url
                tokens = await set_up_soak(ingest, cluster.instance("exemptions").url, admin, plan)
                await permits_indexed(cluster.instance("rules").url, admin, len(plan.permits), within=600)
                figures["setup_s"] = round(time.monotonic() - started, 1)  # registry, services, permits
                log("five services ready; the traffic begins")
                groups = consumer_groups(tag, prefix)

                def processes() -> dict[str, int]:
                    return {instance.name: pid for instance, pid in cluster.pids().items()} | infra_pids(infra_dir)

                url = make_url(database)
                async with KafkaOffsets(bootstrap) as offsets:
                    sampler = Sampler(processes, dsn, url.database or "", url.port or 5432, offsets, groups)
                    traffic = Traffic(
                        Pace(config.batch, config.concurrency, config.frame_rate),
                        plan.reads,
                        seconds,
                        ingest,
                        service_token,
                        tokens,
                        tag,
                    )
                    samples_file = (config.plot or run_dir / f"soak-{tag}.png").with_suffix(".samples.json")
                    samples_file.parent.mkdir(parents=True, exist_ok=True)
                    kept: list[dict[str, Any]] = []

                    def keep(sample: Sample) -> None:
                        kept.append(sample.as_json())
                        # After every sample: a soak stopped early still leaves what it measured.
                        samples_file.write_text(json.dumps(kept))
                        on_sample(sample)

                    samples = await sample_while(traffic, sampler, cluster, config.sample_seconds, keep, log)
                    log(f"traffic done: {traffic.sent.reads:,} reads, {traffic.sent.frames:,} frames; draining")
                    drained_in = await _drain(bootstrap, groups, dsn, config.drain_timeout)
                    outcome = Outcome(plan, tag, [])
                    seal = DeadLetterSeal.from_secret(dead_letter_key)
                    await outcome.collect(dsn, await dead_letters(bootstrap, f"{prefix}{DLQ.name}", seal))
                    counted = outcome.figures(traffic.sent, [], Counter(), drained_in is not None, 0)
                    figures |= {name: counted[name] for name in OUTCOME_KEYS}
                    figures["examples"] = counted["examples"]
                    figures |= _sending(traffic.sent)
                    figures["drained"], figures["drain_s"] = drained_in is not None, drained_in
                    figures |= _latency(traffic.sent_at, await stored_candidates(dsn))
                figures["died"] = [name for name, pid in processes().items() if not alive(pid)]
            finally:
                cluster.stop_all()
    finally:
        await delete_topics(bootstrap, prefix)
    figures |= summary(samples)
    plot = config.plot or run_dir / f"soak-{tag}.png"
    offered = f"{figures['offered_reads_per_s']:g} reads/s, {config.frame_rate:g} frames/s"
    title = f"anpr bench soak {tag}: {config.minutes:g} min, {offered}, load {figures['load_average_at_start'][0]}"
    figures |= await asyncio.to_thread(_write_outputs, samples, plot, title)
    figures["load_average_at_end"] = [round(load, 2) for load in os.getloadavg()]
    figures["seconds"] = round(time.monotonic() - started, 1)
    return figures


def _write_outputs(samples: list[Sample], plot: Path, title: str) -> dict[str, str]:
    """The PNG; the samples beside it as JSON (written as they came) to redraw it or answer a question later."""
    write_plot(samples, plot, title)
    return {"plot": str(plot), "samples_file": str(plot.with_suffix(".samples.json"))}


async def _drain(bootstrap: str, groups: dict[str, tuple[str, ...]], dsn: str, within: float) -> float | None:
    try:
        return round(await wait_drained(bootstrap, groups, dsn, within), 1)
    except TimeoutError:
        return None


def _sending(sent: Sent) -> dict[str, Any]:
    return {
        "reads_accepted": sent.reads,
        "frames_accepted": sent.frames,
        "ingest_retries": sum(sent.retries.values()),
        "server_errors": sum(sent.server_errors.values()),  # 500s, counted apart from the retried 503s
        "refused": sent.refused[:20],
    }


def _latency(sent_at: dict[str, float], stored: list[tuple[str, float]]) -> dict[str, float]:
    """Read to candidate: first post of a plate's read to its candidate stored (frames' plates aside)."""
    latencies = [at - sent_at[plate] for plate, at in stored if plate in sent_at]
    return {f"p{q}_s": round(percentile(latencies, q / 100), 3) for q in (50, 95, 99)}
