"""`anpr bench` is this package's Typer app, added to the operator CLI through an entry point."""

from importlib.metadata import entry_points

from typer.main import get_command

from anpr_bench.cli import app


def test_the_bench_has_its_seven_benchmarks() -> None:
    commands = get_command(app).commands  # type: ignore[attr-defined]
    assert sorted(commands) == ["console", "faults", "ingest", "pipeline", "recognition", "rules", "soak"]


def test_the_cli_finds_it_under_the_name_bench() -> None:
    (found,) = [ep for ep in entry_points(group="anpr.commands") if ep.name == "bench"]
    assert found.load() is app
