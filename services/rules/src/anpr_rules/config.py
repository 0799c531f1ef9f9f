import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from anpr_runtime.auth import Role
from anpr_runtime.purpose import default_purposes
from anpr_runtime.settings import ServiceSettings


def shipped_regime_dir() -> Path:
    """The regime files in the repository's deploy/regimes: this file is
    <repo>/services/rules/src/anpr_rules/config.py, four levels below the repository root."""
    return Path(__file__).resolve().parents[4] / "deploy" / "regimes"


def local_snapshot_dir() -> Path:
    """Under the run directory of `anpr up` (ANPR_RUN_DIR, else <repo>/.run); a volume in k8s
    (ANPR_RULES_SNAPSHOT_DIR)."""
    run_dir = os.environ.get("ANPR_RUN_DIR") or Path(__file__).resolve().parents[4] / ".run"
    return Path(run_dir) / "rules" / "vehicle-snapshots"


class RulesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ANPR_RULES_", frozen=True, extra="ignore")

    port: int = 8103
    regime_dir: Path = shipped_regime_dir()  # resolved once, when the class is defined
    regime_poll_seconds: int = 5  # how often regime files are checked for changes
    # Where the compact vehicle index is kept as a file to map at start, and how often an instance looks
    # for a newer registry version (an import): every instance switches within this many seconds.
    snapshot_dir: Path = Field(default_factory=local_snapshot_dir)
    registry_poll_seconds: float = Field(default=10, gt=0, le=50)
    # The X-Purpose values each role may give for a vehicle description (anpr_runtime.purpose), replacing
    # the defaults whole: ANPR_RULES_PURPOSES='{"reviewer": ["review"], ...}'
    purposes: dict[Role, tuple[str, ...]] = Field(default_factory=default_purposes)
