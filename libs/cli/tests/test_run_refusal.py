"""A service process started without ANPR_ENV runs as production and refuses the development secrets,
saying which variables to set and how to run locally, in a few lines (issue 17 item 2)."""

import os
import subprocess
import sys
from pathlib import Path

ANPR = Path(sys.executable).parent / "anpr"


def clean_environment(run_dir: Path) -> dict[str, str]:
    """Nothing of this machine's settings, and a run dir without `env` (which would say development)."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("ANPR_", "KAFKA_", "DATABASE_"))}
    return {**kept, "ANPR_RUN_DIR": str(run_dir)}


def test_a_service_without_anpr_env_refuses_the_development_secrets_readably(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(ANPR), "run", "ingest"], env=clean_environment(tmp_path), capture_output=True, text=True, timeout=120
    )

    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("anpr run ingest: the settings are refused\n")
    for reason in (
        "refusing to start with ANPR_ENV=production",
        "ANPR_ADMIN_TOKEN is a placeholder",
        "ANPR_PSEUDONYM_KEY is a placeholder",
        "KAFKA_SECURITY_PROTOCOL=PLAINTEXT",
        "DATABASE_SSLMODE is not set",
        "set ANPR_ENV=development for a local run",
    ):
        assert reason in done.stderr
    assert len(done.stderr.splitlines()) < 15
    assert "dev-admin-token" not in done.stderr


def test_development_listening_beyond_loopback_with_its_public_secrets_is_refused(tmp_path: Path) -> None:
    env = {**clean_environment(tmp_path), "ANPR_ENV": "development", "ANPR_INGEST_HOST": "0.0.0.0"}  # noqa: S104

    done = subprocess.run([str(ANPR), "run", "ingest"], env=env, capture_output=True, text=True, timeout=120)

    assert done.returncode == 2, done.stdout + done.stderr
    assert "ANPR_INGEST_HOST=0.0.0.0 is not a loopback address" in done.stderr
    assert "Traceback" not in done.stderr
