"""`anpr`: the one command-line entry point."""

import importlib
from pathlib import Path
from typing import Annotated

import typer

from anpr_cli import demo as demo_module
from anpr_cli import infra, pilot, pilot_history
from anpr_cli.camera import camera_app
from anpr_cli.dlq import dlq_app
from anpr_cli.migrate import migrate
from anpr_cli.paths import PORTS, SERVICES, load_run_env
from anpr_cli.plugins import add_plugins
from anpr_cli.read import read
from anpr_cli.reads import reads_app
from anpr_cli.settings_load import load_settings
from anpr_cli.vehicles import vehicles_app

app = typer.Typer(no_args_is_help=True, help="ANPR enforcement platform")
contracts_app = typer.Typer(no_args_is_help=True, help="Event contracts")
app.add_typer(vehicles_app, name="vehicles")
app.add_typer(contracts_app, name="contracts")
app.add_typer(camera_app, name="camera")
app.add_typer(reads_app, name="reads")
app.add_typer(dlq_app, name="dlq")
app.command()(infra.up)
app.command()(infra.down)
app.command()(infra.status)
app.command()(demo_module.demo)
app.command()(pilot.forecast)
app.command("plan-rotation")(pilot.plan_rotation)
app.command()(pilot.report)
app.command("pilot-history")(pilot_history.pilot_history)
app.command()(migrate)
app.command()(read)  # the script starts `anpr read` without this module (see entry.py)
add_plugins(app)  # `anpr bench ...` and any other group a workspace package registers


@app.command()
def run(service: Annotated[str, typer.Argument(help=f"one of {', '.join(SERVICES)}")]) -> None:
    """Run one service (HTTP API and, where it has one, its Kafka consumer) in the foreground."""
    if service not in SERVICES:
        raise typer.BadParameter(f"unknown service {service!r}; choose from {', '.join(SERVICES)}")
    import uvicorn

    load_run_env()
    module = importlib.import_module(f"anpr_{service}.config")
    settings_class = next(getattr(module, n) for n in dir(module) if n.endswith("Settings") and n != "ServiceSettings")
    settings = load_settings(settings_class, f"anpr run {service}")
    from anpr_runtime.logs import LogSettings, configure_logging
    from anpr_runtime.metrics import share_between_workers

    configure_logging(service)  # JSON lines from the first one on (uvicorn's own config is not used)
    share_between_workers(service, getattr(settings, "http_workers", 1))
    uvicorn.run(
        f"anpr_{service}.entrypoints.api:create_app",
        factory=True,
        host=settings.host,
        port=settings.port or PORTS[service],
        workers=getattr(settings, "http_workers", 1),
        # A worker answers the supervisor's ping only after it has imported everything (several seconds on
        # a busy 2-core box); uvicorn's 5 s default would kill and restart workers forever.
        timeout_worker_healthcheck=60,
        log_config=None,
        log_level=LogSettings().level.lower(),
        access_log=False,  # access logs would carry query strings with plates
    )


@contracts_app.command("export-schemas")
def export_schemas(
    directory: Annotated[Path | None, typer.Option(help="default: libs/contracts/schemas")] = None,
) -> None:
    """Write the JSON Schema of every event for producers that are not Python."""
    from anpr_contracts.schemas import default_schema_dir
    from anpr_contracts.schemas import export_schemas as export

    for path in export(directory or default_schema_dir()):
        typer.echo(str(path))


if __name__ == "__main__":
    app()
