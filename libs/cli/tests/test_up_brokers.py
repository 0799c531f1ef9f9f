"""`anpr up --brokers 3` asks deploy/local/infra.sh for a three-node Kafka cluster (ANPR_KAFKA_BROKERS),
and the services started after it inherit the same setting; without the option nothing is said, so the
run dir's own cluster (or the single broker) stays."""

import os

import pytest
from typer.testing import CliRunner

from anpr_cli import infra
from anpr_cli.main import app


@pytest.fixture
def infra_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[tuple[str, ...], str | None]]:
    calls: list[tuple[tuple[str, ...], str | None]] = []

    def record(command: str, *args: str) -> int:
        calls.append(((command, *args), os.environ.get("ANPR_KAFKA_BROKERS")))
        return 1  # as if infra.sh failed: `up` stops there, no service is started

    monkeypatch.setattr(infra, "infra", record)
    # Set, then removed: the monkeypatch puts back the variable's original state, whatever `up` sets.
    monkeypatch.setenv("ANPR_KAFKA_BROKERS", "unset")
    monkeypatch.delenv("ANPR_KAFKA_BROKERS")
    return calls


def test_brokers_option_reaches_infra_sh(infra_calls: list[tuple[tuple[str, ...], str | None]]) -> None:
    result = CliRunner().invoke(app, ["up", "--brokers", "3"])

    assert result.exit_code == 1
    assert infra_calls == [(("up",), "3")]


def test_without_the_option_the_run_dir_decides(infra_calls: list[tuple[tuple[str, ...], str | None]]) -> None:
    CliRunner().invoke(app, ["up"])

    assert infra_calls == [(("up",), None)]


def test_zero_brokers_is_refused(infra_calls: list[tuple[tuple[str, ...], str | None]]) -> None:
    result = CliRunner().invoke(app, ["up", "--brokers", "0"])

    assert result.exit_code == 2
    assert infra_calls == []
