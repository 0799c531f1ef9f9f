from pathlib import Path

from pydantic_settings import SettingsConfigDict

from anpr_runtime.settings import ServiceSettings


def _default_regime_dir() -> Path:
    return Path(__file__).resolve().parents[4] / "deploy" / "regimes"


class RulesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ANPR_RULES_", frozen=True, extra="ignore")

    port: int = 8103
    regime_dir: Path = _default_regime_dir()
    regime_poll_seconds: int = 5  # how often regime files are checked for changes
