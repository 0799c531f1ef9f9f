from pathlib import Path

import pytest

from anpr_cli import paths


def test_the_deploy_files_exist() -> None:
    assert paths.infra_script().is_file()
    assert paths.demo_registry_file().is_file()
    assert any(paths.demo_frames_dir().glob("*.jpg"))
    assert any(paths.regimes_dir().glob("*.yaml"))


def test_a_relative_run_dir_is_taken_relative_to_the_repo_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANPR_RUN_DIR", ".run/elsewhere")
    assert paths.run_dir() == paths.repo_root() / ".run" / "elsewhere"
    monkeypatch.setenv("ANPR_RUN_DIR", "/tmp/x")
    assert paths.run_dir() == Path("/tmp/x")
    monkeypatch.delenv("ANPR_RUN_DIR")
    assert paths.run_dir() == paths.repo_root() / ".run"
