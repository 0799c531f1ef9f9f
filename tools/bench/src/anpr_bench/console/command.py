"""`anpr bench console`: p95 page time of the console's review queue, permit search and statistics screens
with 100,000 candidates and 50,000 permits, against the same data straight from the APIs in the same run."""

import asyncio
import json
import os
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from anpr_cli.paths import load_run_env, run_dir

console = Console(stderr=True)


def bench_console(
    candidates: Annotated[
        int, typer.Option(min=1, help="pending candidates in notices (via its Kafka topic)")
    ] = 100_000,
    permits: Annotated[int, typer.Option(min=1, help="permits in exemptions (via its CSV import)")] = 50_000,
    samples: Annotated[int, typer.Option(min=1, help="page loads per screen, and as many API baselines")] = 200,
    as_json: Annotated[bool, typer.Option("--json", help="print one JSON object on the last line")] = False,
) -> None:
    """Signs in the demo reviewer, permit desk and supervisor through Keycloak's login page and times the
    console's /review, /permits?plate=... and /supervisor, each sample next to the API calls the screen
    needs, made with the same person's token. Its own database and topics, removed afterwards; the
    console must get ANPR_CONSOLE_PORT (the only redirect the realm allows). A screen that answers 404
    (not built) gets null figures. Target: p95 < 300 ms on each screen."""
    from anpr_bench.console.run import ConsoleBenchConfig, oidc_from_env, run

    load_run_env()
    bootstrap, database_url = os.environ.get("KAFKA_BOOTSTRAP"), os.environ.get("DATABASE_URL")
    if not bootstrap or not database_url:
        raise typer.BadParameter("the bench needs Kafka, PostgreSQL and Keycloak: run `anpr up` first")
    try:
        oidc = oidc_from_env()
    except RuntimeError as problem:
        raise typer.BadParameter(str(problem)) from None
    config = ConsoleBenchConfig(candidates, permits, samples)
    figures = asyncio.run(run(config, run_dir(), bootstrap, database_url, oidc, log=lambda m: console.log(m)))
    table = Table("figure", "value", title="anpr bench console")
    for name, value in figures.items():
        shown = "null (see *_missing)" if value is None else value
        table.add_row(
            name, f"{shown:,}" if isinstance(shown, int | float) and not isinstance(shown, bool) else str(shown)
        )
    Console().print(table)
    if as_json:
        print(json.dumps(figures))
