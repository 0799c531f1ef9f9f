"""Command groups other workspace packages add to `anpr` (entry point group `anpr.commands`).

Each entry point names a `typer.Typer`; it becomes `anpr <entry point name> ...`. One that fails to load
becomes a command that says why and exits 1, so the rest of the CLI keeps working.
"""

from importlib.metadata import EntryPoint, entry_points
from typing import Annotated

import typer

GROUP = "anpr.commands"


def add_plugins(app: typer.Typer, group: str = GROUP) -> None:
    for entry_point in sorted(entry_points(group=group), key=lambda ep: ep.name):
        try:
            loaded = entry_point.load()
            if not isinstance(loaded, typer.Typer):
                raise TypeError(f"{entry_point.value} is a {type(loaded).__name__}, not a typer.Typer")
        except Exception as exc:  # any import error of a plugin: reported when its command is used
            _add_broken(app, entry_point, exc)
            continue
        app.add_typer(loaded, name=entry_point.name)


def _add_broken(app: typer.Typer, entry_point: EntryPoint, error: Exception) -> None:
    reason = f"{type(error).__name__}: {error}"

    def broken(args: Annotated[list[str] | None, typer.Argument(hidden=True)] = None) -> None:
        typer.echo(
            f"anpr {entry_point.name}: the plugin {entry_point.value} (entry point group {GROUP}) "
            f"could not be loaded: {reason}",
            err=True,
        )
        raise typer.Exit(1)

    app.command(
        entry_point.name,
        help=f"(not available: the plugin {entry_point.value} failed to load)",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
        add_help_option=False,
    )(broken)
