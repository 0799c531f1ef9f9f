"""`anpr bench soak`: the command, with the soak's progress on the terminal (rich) and its figures."""

import asyncio
import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from anpr_bench.soak_figures import Sample
from anpr_cli.paths import load_run_env, run_dir


def bench_soak(
    minutes: Annotated[float, typer.Option(min=0.5, help="how long the traffic runs")] = 60,
    sample_seconds: Annotated[
        float, typer.Option(min=1, help="seconds between samples (a minute; less for short runs)")
    ] = 60,
    rate: Annotated[float, typer.Option(min=1, help="reads per second offered, evenly spread")] = 100,
    frame_rate: Annotated[float, typer.Option(min=0, help="demo camera frames per second offered (0: none)")] = 1.0,
    brokers: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=3,
            help="Kafka brokers; one the running Kafka does not have (3 beside a single broker) starts a cluster "
            "and a PostgreSQL of the soak's own (default: the running ones, `anpr up` / `anpr up --brokers 3`)",
        ),
    ] = None,
    plot: Annotated[Path | None, typer.Option(help="where the PNG goes (default: <run dir>/soak-<run>.png)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object on the last line")] = False,
) -> None:
    """Steady reads and camera frames through all five services for `minutes`, sampling every process's
    memory, open files and database connections and each consumer group's lag; then growth per process
    (from minute 10, or the same share of a shorter run, to the end), lost and duplicated candidates,
    the largest lag, read-to-candidate latency, and a PNG of memory and lag. Exit code 1 on any lost or
    duplicated candidate, or a service that died."""
    from anpr_bench.soak import SoakConfig, run

    load_run_env()
    bootstrap, database_url = os.environ.get("KAFKA_BOOTSTRAP"), os.environ.get("DATABASE_URL")
    if not bootstrap or not database_url:
        raise typer.BadParameter("the soak needs Kafka and PostgreSQL: run `anpr up` first")
    config = SoakConfig(
        minutes=minutes, sample_seconds=sample_seconds, rate=rate, frame_rate=frame_rate, plot=plot, brokers=brokers
    )
    console = Console(stderr=True)
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("starting", total=minutes * 60)

        def on_sample(sample: Sample) -> None:
            progress.update(task, completed=sample.seconds, description=sample_line(sample))

        figures = asyncio.run(run(config, Path(run_dir()), bootstrap, database_url, progress.console.log, on_sample))
    table = Table("figure", "value", title="anpr bench soak")
    for name, value in figures.items():
        if name not in ("examples", "refused"):
            table.add_row(name, shown(value))
    Console().print(table)
    if as_json:
        print(json.dumps(figures))
    if not passed(figures):
        raise typer.Exit(1)


def sample_line(sample: Sample) -> str:
    biggest = max(sample.rss_mib.items(), key=lambda item: item[1], default=("-", 0.0))
    lag = sum(sample.lag.values())
    return f"minute {sample.seconds / 60:.1f}: largest {biggest[0]} {biggest[1]:,.0f} MiB, lag {lag:,}"


def shown(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return value if isinstance(value, str) else json.dumps(value)


def passed(figures: dict[str, Any]) -> bool:
    """Nothing lost, nothing twice, nothing dead-lettered, every service alive to the end. Memory growth
    is a figure, not a verdict: on a shared machine a short run's growth is mostly warm-up."""
    wrong = ("lost", "duplicates", "unexpected", "dead_letters", "server_errors")
    return bool(figures["drained"]) and not figures["died"] and all(figures[name] == 0 for name in wrong)
