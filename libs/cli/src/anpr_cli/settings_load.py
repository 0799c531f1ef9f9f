"""Settings for a command, with a refusal shown as its reasons: a service that will not start on a
placeholder secret or a plaintext connection says which variables to fix, not a pydantic traceback."""

from typing import TypeVar

import typer
from pydantic import ValidationError

from anpr_runtime.settings import ServiceSettings

S = TypeVar("S", bound=ServiceSettings)
EXIT_BAD_SETTINGS = 2


def reasons(refused: ValidationError) -> str:
    """One line per error (a fail-open refusal lists its own reasons); never a value (inputs are hidden)."""
    lines = []
    for error in refused.errors(include_url=False, include_input=False):
        message = str(error["msg"]).removeprefix("Value error, ")
        where = ".".join(str(part) for part in error["loc"])
        lines.append(f"{where}: {message}" if where else message)
    return "\n".join(lines)


def load_settings(settings_class: type[S], command: str) -> S:
    try:
        return settings_class()
    except ValidationError as refused:
        typer.echo(f"{command}: the settings are refused\n{reasons(refused)}", err=True)
        raise typer.Exit(EXIT_BAD_SETTINGS) from None
