import os
from pathlib import Path

import pytest

from anpr_runtime.metrics import MULTIPROCESS_DIR, MetricSettings, share_between_workers


@pytest.fixture(autouse=True)
def unset(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unset now and restored afterwards even when the code under test sets it (a leaked value would put
    every later /metrics of this test run into multiprocess mode)."""
    monkeypatch.setenv(MULTIPROCESS_DIR, "")
    monkeypatch.delenv(MULTIPROCESS_DIR)


def test_one_worker_keeps_the_ordinary_registry() -> None:
    share_between_workers("ingest", 1)
    assert MULTIPROCESS_DIR not in os.environ


def test_several_workers_get_a_fresh_shared_directory() -> None:
    share_between_workers("ingest", 3)
    directory = Path(os.environ[MULTIPROCESS_DIR])
    assert directory.is_dir()
    assert list(directory.iterdir()) == []
    assert directory.name.startswith("anpr-ingest-metrics-")
    directory.rmdir()


def test_an_operator_s_own_directory_is_kept(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(MULTIPROCESS_DIR, str(tmp_path))
    share_between_workers("ingest", 3)
    assert os.environ[MULTIPROCESS_DIR] == str(tmp_path)


def test_the_lag_interval_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANPR_METRICS_LAG_INTERVAL_SECONDS", "0.5")
    assert MetricSettings().lag_interval_seconds == 0.5
