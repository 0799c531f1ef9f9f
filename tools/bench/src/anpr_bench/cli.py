"""`anpr bench ...`: benchmarks that print their figures, the last line one JSON object with --json.
They compare against a baseline measured in the same run, because these machines are shared and noisy."""

import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from anpr_bench.console.command import bench_console
from anpr_bench.faults.command import bench_faults
from anpr_bench.pipeline import bench_pipeline
from anpr_bench.recognition import bench_recognition
from anpr_bench.soak_command import bench_soak
from anpr_cli.paths import load_run_env, regimes_dir

# Added to `anpr` as `anpr bench` through the entry point group "anpr.commands" (see pyproject.toml).
app = typer.Typer(no_args_is_help=True, help="Benchmarks (figures, never pass/fail)")
console = Console(stderr=True)


def shown(value: object) -> str:
    """A figure for the table: thousands separated, three decimals for a fraction, lists item by item."""
    if isinstance(value, list):
        return ", ".join(shown(item) for item in value)
    if isinstance(value, str):
        return value
    return f"{value:,.3f}" if isinstance(value, float) else f"{value:,}"


@app.command("rules")
def bench_rules(
    vehicles: Annotated[int, typer.Option(help="vehicles in the registry")] = 1_000_000,
    permits: Annotated[int, typer.Option(help="permits in the index")] = 100_000,
    reads: Annotated[int, typer.Option(help="reads judged on the in-memory path")] = 20_000,
    baseline_reads: Annotated[int, typer.Option(help="reads judged by the PostgreSQL baseline (0: skip)")] = 2_000,
    regimes: Annotated[int, typer.Option(help="regimes in force at the bench location")] = 10,
    compare_vehicles: Annotated[
        int, typer.Option(min=1, help="today's dict index is measured beside the compact one at this size at most")
    ] = 1_000_000,
    snapshot_cache: Annotated[
        Path | None, typer.Option(help="keep the generated snapshots here and use them again in later runs")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object on the last line")] = False,
) -> None:
    """Rules decisions per second per core with the compact vehicle index mapped from a snapshot (memory,
    start to ready) against today's dict index and against querying PostgreSQL per read."""
    from anpr_bench.rules import BenchConfig, run

    load_run_env()
    database_url = os.environ.get("DATABASE_URL") if baseline_reads else None
    if baseline_reads and not database_url:
        raise typer.BadParameter("the baseline needs PostgreSQL: run `anpr up` first, or pass --baseline-reads 0")
    config = BenchConfig(
        vehicles,
        permits,
        reads,
        baseline_reads,
        regimes,
        compare_vehicles=compare_vehicles,
        snapshot_cache=snapshot_cache,
    )
    result = run(config, regimes_dir(), database_url, progress=lambda m: console.log(m))
    table = Table("figure", "value", title="anpr bench rules")
    for name, value in result.items():
        table.add_row(name, shown(value))
    Console().print(table)
    if as_json:
        print(json.dumps(result))


@app.command("ingest")
def bench_ingest(
    frames: Annotated[int, typer.Option(min=1, help="frames of ~100 KB posted to POST /v1/frames")] = 6_000,
    reads: Annotated[int, typer.Option(min=1, help="reads posted to POST /v1/reads")] = 5_000,
    concurrency: Annotated[int, typer.Option(min=1, max=512, help="requests (and producer sends) in flight")] = 16,
    workers: Annotated[int, typer.Option(min=1, max=64, help="ingest HTTP worker processes")] = 2,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object on the last line")] = False,
) -> None:
    """Frames and reads per second accepted into Kafka by a real ingest server (own port, topics and
    database, removed afterwards), against a bare aiokafka producer sending the same bytes in the same run."""
    import asyncio

    from anpr_bench.ingest import BenchConfig, run

    load_run_env()
    bootstrap, database_url = os.environ.get("KAFKA_BOOTSTRAP"), os.environ.get("DATABASE_URL")
    if not bootstrap or not database_url:
        raise typer.BadParameter("the bench needs Kafka and PostgreSQL: run `anpr up` first")
    config = BenchConfig(frames, reads, concurrency, workers=workers)
    result = asyncio.run(run(config, bootstrap, database_url, log=lambda m: console.log(m)))
    table = Table("figure", "value", title="anpr bench ingest")
    for name, value in result.items():
        table.add_row(name, shown(value))
    Console().print(table)
    if as_json:
        print(json.dumps(result))


app.command("recognition")(bench_recognition)
app.command("faults")(bench_faults)
app.command("pipeline")(bench_pipeline)
app.command("console")(bench_console)
app.command("soak")(bench_soak)

__all__ = ["app"]

if __name__ == "__main__":
    app()
