"""`anpr vehicles import`: the rules service's RDW vehicle registry from open-data CSV exports."""

import asyncio
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from anpr_cli.paths import load_run_env
from anpr_cli.settings_load import load_settings

vehicles_app = typer.Typer(no_args_is_help=True, help="The RDW vehicle registry of the rules service")


@vehicles_app.command("import")
def vehicles_import(
    base: Annotated[
        Path,
        typer.Option(
            exists=True,
            dir_okay=False,
            help="RDW base CSV (m9d7-ebf2; with merk, handelsbenaming, eerste_kleur for review)",
        ),
    ],
    fuel: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="RDW fuel CSV (8ys7-d773)")],
    special: Annotated[
        list[Path] | None, typer.Option(exists=True, dir_okay=False, help="RDW bijzonderheden CSV (7ug8-2dtt)")
    ] = None,
    body: Annotated[
        list[Path] | None,
        typer.Option(
            exists=True, dir_okay=False, help="RDW carrosserie CSV (vezc-m2t6 and/or jhie-znh9; may be repeated)"
        ),
    ] = None,
) -> None:
    """Make the vehicle registry what these RDW open-data CSV exports say (either header style), in one
    transaction; streams files of any size. Without --special/--body no vehicle has those codes. The base
    file's merk, handelsbenaming and eerste_kleur are kept for the reviewer (unknown when it has none)."""
    from rich.progress import BarColumn, DownloadColumn, Task, TextColumn, TimeElapsedColumn
    from rich.text import Text

    from anpr_rules import SPEC, ImportReport, RdwImportError, RulesSettings, build_snapshot, import_vehicles
    from anpr_runtime.db import create_engine, run_migrations

    load_run_env()
    settings = load_settings(RulesSettings, "anpr vehicles import")
    roles = {"base": [base], "fuel": [fuel], "special": special or [], "body": body or []}
    for role in ("special", "body"):
        if not roles[role]:
            typer.echo(f"no --{role} file: no vehicle will have {role} codes", err=True)

    class FileColumn(DownloadColumn):
        """Bytes read of a file; nothing for the build step, which has no size."""

        def render(self, task: Task) -> Text:
            return super().render(task) if task.total else Text("")

    class Bars:
        def __init__(self, progress: Progress) -> None:
            self._progress = progress
            self._tasks = {
                role: progress.add_task(f"{role} file", total=sum(p.stat().st_size for p in paths))
                for role, paths in roles.items()
                if paths
            }

        def advance(self, role: str, nbytes: int) -> None:
            self._progress.advance(self._tasks[role], nbytes)

        def building(self) -> None:
            self._progress.add_task("building the registry", total=None)

    async def go() -> tuple[ImportReport, Path | str]:
        await run_migrations(settings.database_url, SPEC.migrations_dir, SPEC.schema)
        engine = create_engine(settings.database_url)
        try:
            with Progress(TextColumn("{task.description}"), BarColumn(), FileColumn(), TimeElapsedColumn()) as progress:
                report = await import_vehicles(engine, base, fuel, roles["special"], roles["body"], Bars(progress))
                progress.add_task("writing the compact index snapshot", total=None)
                # For instances that start later: they map it instead of building it (running ones
                # apply the import's delta, or map this file when the delta was too large).
                try:
                    snapshot, _ = await build_snapshot(
                        engine, settings.snapshot_dir, settings.pseudonym_key.get_secret_value()
                    )
                except OSError as exc:  # the registry is imported all the same; instances build their own
                    return report, f"not written to {settings.snapshot_dir} ({exc.strerror or exc})"
                return report, snapshot
        finally:
            await engine.dispose()

    started = time.perf_counter()
    try:
        report, snapshot = asyncio.run(go())
    except RdwImportError as exc:
        typer.echo(f"import refused: {exc}", err=True)
        raise typer.Exit(1) from exc
    for role, counts in report.files.items():
        typer.echo(
            f"{role:>8}: {counts.rows:,} rows, {counts.skipped:,} skipped, {counts.blanked:,} with a value made unknown"
        )
    registry = report.registry
    typer.echo(
        f"imported {registry.vehicles:,} vehicles in {time.perf_counter() - started:.1f} s "
        f"({registry.added:,} added, {registry.changed:,} changed, {registry.removed:,} removed; "
        f"{report.duplicates:,} duplicate plates in the base file, the first row kept)"
    )
    if registry.added or registry.changed or registry.removed:
        typer.echo(
            f"registry version {registry.version}; snapshot {snapshot}. Running rules instances will switch within "
            f"{settings.registry_poll_seconds:g} s by themselves (ANPR_RULES_REGISTRY_POLL_SECONDS); no reload needed"
        )
    else:
        typer.echo(f"registry version {registry.version} unchanged: running rules instances already judge with it")
