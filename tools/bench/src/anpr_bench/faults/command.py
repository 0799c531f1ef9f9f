"""`anpr bench faults`: the fault-injection suite at full size on the running Kafka and PostgreSQL."""

import asyncio
import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from anpr_cli.paths import load_run_env, run_dir

console = Console(stderr=True)


def bench_faults(
    reads: Annotated[int, typer.Option(min=100, help="already-recognised reads sent through ingest")] = 10_000,
    frames: Annotated[int, typer.Option(min=0, help="demo camera frames posted to ingest")] = 300,
    corrupt_frames: Annotated[int, typer.Option(min=0, help="frames cut short: recognition must dead-letter them")] = 5,
    garbage_reads: Annotated[int, typer.Option(min=0, help="unparseable messages put on the reads topic")] = 5,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object on the last line")] = False,
    brokers: Annotated[
        int,
        typer.Option(
            min=1,
            max=3,
            help="3: a Kafka cluster of three brokers and a PostgreSQL of the run's own (topics replicated 3 times, "
            "min.insync.replicas 2; needs root for the full-disk steps' tmpfs) and the steps production's shape "
            "adds: a broker and the controller killed, rules, a broker and PostgreSQL hung, PostgreSQL killed, "
            "its disk and a broker's full",
        ),
    ] = 1,
    only_cluster_steps: Annotated[
        bool, typer.Option(help="with --brokers 3: only the steps a cluster adds, not every service's crash")
    ] = False,
) -> None:
    """Stream reads and frames through all five services (as processes, own database and topics) while
    each service is SIGKILLed and restarted in turn, ingest, notices and recognition are hung (SIGSTOP 25 s,
    past their timeouts), a second rules and recognition instance joins and leaves, and Kafka and
    PostgreSQL restart (with --brokers 3 also: brokers killed and hung, PostgreSQL
    killed and hung, disks full); then count lost and duplicated candidates, dead letters and traces of
    no-hits. Exit code 1 when any of those is wrong or a step failed."""
    from anpr_bench.faults.scenario import FaultConfig, run
    from anpr_bench.faults.steps import CLUSTER_STEPS, FULL_STEPS

    load_run_env()
    bootstrap, database_url = os.environ.get("KAFKA_BOOTSTRAP"), os.environ.get("DATABASE_URL")
    if not bootstrap or not database_url:
        raise typer.BadParameter("the suite needs Kafka and PostgreSQL: run `anpr up` first")
    steps: tuple[str, ...] = FULL_STEPS
    if brokers > 1:
        steps = CLUSTER_STEPS if only_cluster_steps else FULL_STEPS + CLUSTER_STEPS
    config = FaultConfig(
        reads=reads,
        frames=frames,
        corrupt_frames=corrupt_frames,
        garbage_reads=garbage_reads,
        steps=steps,
        brokers=brokers,
    )
    result = asyncio.run(run(config, Path(run_dir()), bootstrap, database_url, log=lambda m: console.log(m)))
    table = Table("figure", "value", title="anpr bench faults")
    for name in ("expected", "candidates", "lost", "duplicates", "unexpected", "dead_letters", "dead_letters_meant"):
        table.add_row(name, f"{result[name]:,}")
    for name in (
        "dead_letters_missing",
        "dead_letters_unexpected",
        "no_hit_plates",
        "no_hit_traces",
        "retries",
        "server_errors",
    ):
        table.add_row(name, f"{result[name]:,}")
    table.add_row("seconds", f"{result['seconds']:,}")
    Console().print(table)
    Console().print(fault_table(result["faults"]))
    if as_json:
        print(json.dumps(result))
    if not passed(result):
        raise typer.Exit(1)


def fault_table(faults: list[dict[str, Any]]) -> Table:
    """Each step with its time and what it measured (seconds from the fault: leaders moved, back, ...)."""
    table = Table("step", "seconds", "measured", "error", title="fault steps")
    for fault in faults:
        measured = ", ".join(f"{k} {v}" for k, v in fault.items() if k not in ("step", "seconds", "error"))
        table.add_row(fault["step"], f"{fault['seconds']}", measured, fault["error"] or "")
    return table


def passed(result: dict[str, object]) -> bool:
    wrong = (
        "lost",
        "duplicates",
        "unexpected",
        "dead_letters_missing",
        "dead_letters_unexpected",
        "no_hit_traces",
        "server_errors",
    )
    faults_done = isinstance(result["faults"], list) and not any(fault["error"] for fault in result["faults"])
    return faults_done and bool(result["drained"]) and not result["refused"] and all(result[n] == 0 for n in wrong)
