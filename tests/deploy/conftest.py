"""What the deployment files are checked against: the settings each service reads, from the code itself."""

import importlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import AliasChoices
from pydantic_settings import BaseSettings

from anpr_runtime.logs import LogSettings
from anpr_runtime.metrics import MetricSettings
from anpr_runtime.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("ingest", "recognition", "rules", "exemptions", "notices", "console")
# Read by every service besides its own settings class.
PROCESS_WIDE: tuple[type[BaseSettings], ...] = (LogSettings, MetricSettings)


def settings_class(service: str) -> type[ServiceSettings]:
    module = importlib.import_module(f"anpr_{service}.config")
    found = [
        value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, ServiceSettings) and value is not ServiceSettings
    ]
    assert len(found) == 1, f"{service}: expected one settings class, found {found}"
    return found[0]


def env_names(settings: type[BaseSettings]) -> set[str]:
    """The environment variables pydantic-settings reads for a settings class (upper case)."""
    prefix = str(settings.model_config.get("env_prefix") or "")
    names = set()
    for field_name, field in settings.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names.update(str(choice).upper() for choice in alias.choices if isinstance(choice, str))
        elif isinstance(alias, str):
            names.add(alias.upper())
        else:
            names.add(f"{prefix}{field_name}".upper())
    return names


def readable_by(service: str) -> set[str]:
    names = env_names(settings_class(service))
    for settings in PROCESS_WIDE:
        names |= env_names(settings)
    return names


def default_port(service: str) -> int:
    return int(settings_class(service).model_fields["port"].default)


def load_documents(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


@pytest.fixture(scope="session")
def readable() -> Callable[[str], set[str]]:
    return readable_by


# What the test run itself exports (<run>/env: a local http issuer, the test broker, ...) would otherwise
# join a deployment's settings under test.
RUN_ENV_PREFIXES = ("ANPR_", "KAFKA_", "DATABASE_")


def without_run_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start a settings test from none of the test run's own variables: only what the test sets counts."""
    for name in list(os.environ):
        if name.startswith(RUN_ENV_PREFIXES):
            monkeypatch.delenv(name)
