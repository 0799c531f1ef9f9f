"""`anpr migrate [SERVICE...]`: bring each service's schema to its newest Alembic revision, then exit.

Services also migrate when they start (under a per-schema advisory lock, so replicas never race); this
command lets a deployment do it once, before any replica starts: a one-shot compose service, a Kubernetes
init container or a release step. Running it twice, or beside starting services, is harmless.
"""

import asyncio
import importlib
from typing import Annotated

import typer

from anpr_cli.paths import SERVICES, load_run_env
from anpr_cli.settings_load import load_settings


def migrate(
    services: Annotated[list[str] | None, typer.Argument(help=f"default: all of {', '.join(SERVICES)}")] = None,
) -> None:
    """Upgrade the database schema of each named service (all by default) to head."""
    from anpr_runtime.db import run_migrations

    chosen = services or list(SERVICES)
    unknown = sorted(set(chosen) - set(SERVICES))
    if unknown:
        raise typer.BadParameter(f"unknown service(s) {', '.join(unknown)}; choose from {', '.join(SERVICES)}")
    load_run_env()
    for service in chosen:
        spec = importlib.import_module(f"anpr_{service}.bootstrap").SPEC
        config = importlib.import_module(f"anpr_{service}.config")
        settings_class = next(
            getattr(config, n) for n in dir(config) if n.endswith("Settings") and n != "ServiceSettings"
        )
        settings = load_settings(settings_class, f"anpr migrate {service}")
        asyncio.run(run_migrations(settings.database_url, spec.migrations_dir, spec.schema))
        typer.echo(f"{service}: schema {spec.schema} at head")
