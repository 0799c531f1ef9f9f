import os
from pathlib import Path

SERVICES = ("ingest", "recognition", "rules", "exemptions", "notices")
PORTS = {"ingest": 8101, "recognition": 8102, "rules": 8103, "exemptions": 8104, "notices": 8105}


def repo_root() -> Path:
    """The checkout this CLI is installed from (an editable workspace install)."""
    return Path(__file__).resolve().parents[4]


def run_dir() -> Path:
    return Path(os.environ.get("ANPR_RUN_DIR") or repo_root() / ".run")


def load_run_env() -> None:
    """Fill os.environ from `.run/env` (written by `anpr up`); variables already set win."""
    env_file = run_dir() / "env"
    if not env_file.exists():
        return
    for line in env_file.read_text().splitlines():
        line = line.removeprefix("export ").strip()
        if "=" in line and not line.startswith("#"):
            name, _, value = line.partition("=")
            os.environ.setdefault(name, value.strip().strip("'\""))
