"""Where things are: the checkout, its deploy/ files, the run dir; resolved here and nowhere else."""

import os
from pathlib import Path

SERVICES = ("ingest", "recognition", "rules", "exemptions", "notices", "console")
PORTS = {"ingest": 8101, "recognition": 8102, "rules": 8103, "exemptions": 8104, "notices": 8105, "console": 8106}


def repo_root() -> Path:
    """The checkout this CLI is installed from (an editable workspace install)."""
    return Path(__file__).resolve().parents[4]  # <root>/libs/cli/src/anpr_cli/paths.py


def deploy_dir() -> Path:
    return repo_root() / "deploy"


def infra_script() -> Path:
    """deploy/local/infra.sh: Kafka and PostgreSQL for development, tests and the demo."""
    return deploy_dir() / "local" / "infra.sh"


def regimes_dir() -> Path:
    """The shipped regime definitions (deploy/regimes)."""
    return deploy_dir() / "regimes"


def demo_frames_dir() -> Path:
    """The demo's sample camera frames (JPEGs, with labels.csv)."""
    return deploy_dir() / "demo" / "frames"


def demo_rdw_dir() -> Path:
    """The demo's RDW open-data exports (voertuigen, brandstof, bijzonderheden, carrosserie)."""
    return deploy_dir() / "demo" / "rdw"


def demo_registry_file() -> Path:
    """The demo's RDW base export: every plate the demo frames show."""
    return demo_rdw_dir() / "voertuigen.csv"


def run_dir() -> Path:
    """$ANPR_RUN_DIR, default <repo>/.run; relative to the repo root, as infra.sh takes it."""
    return repo_root() / (os.environ.get("ANPR_RUN_DIR") or ".run")  # an absolute path replaces the root


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
