from importlib.metadata import EntryPoint

import pytest
import typer
from typer.testing import CliRunner

from anpr_cli import plugins

good = typer.Typer()


@good.command()
def hello() -> None:
    typer.echo("hello from the plugin")


@good.command()
def other() -> None:
    pass


def _app_with(monkeypatch: pytest.MonkeyPatch, *found: EntryPoint) -> typer.Typer:
    monkeypatch.setattr(plugins, "entry_points", lambda group: [ep for ep in found if ep.group == group])
    app = typer.Typer()

    @app.command()
    def core() -> None:
        typer.echo("core works")

    plugins.add_plugins(app)
    return app


def test_a_plugin_group_is_added_under_its_entry_point_name(monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app_with(monkeypatch, EntryPoint("tools", f"{__name__}:good", plugins.GROUP))
    result = CliRunner().invoke(app, ["tools", "hello"])
    assert result.exit_code == 0, result.output
    assert "hello from the plugin" in result.output


@pytest.mark.parametrize("value", ["no_such_module_xyz:app", f"{__name__}:hello"])
def test_a_broken_plugin_fails_only_its_own_command_and_says_why(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    app = _app_with(monkeypatch, EntryPoint("bench", value, plugins.GROUP))
    runner = CliRunner()
    assert runner.invoke(app, ["core"]).output.strip() == "core works"
    result = runner.invoke(app, ["bench", "ingest", "--json"])
    assert result.exit_code == 1
    assert "anpr bench" in result.output
    assert value in result.output
    assert "could not be loaded" in result.output


def test_the_cli_loads_with_the_installed_plugins() -> None:
    from anpr_cli.main import app

    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    assert "vehicles" in result.output
