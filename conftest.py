"""Shared pytest fixtures. Integration tests run against the real Kafka + PostgreSQL that `make test`
starts (deploy/local/with-infra.sh); their location comes from the environment or `$ANPR_RUN_DIR/env`.
They fail, never skip, when that infrastructure is missing."""

import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
from fastapi import FastAPI

from anpr_runtime.settings import ServiceSettings

ROOT = Path(__file__).parent
S = TypeVar("S", bound=ServiceSettings)


def pytest_configure(config: pytest.Config) -> None:
    """Unset ANPR_ENV means production (settings.py). The suite runs on this machine against plaintext
    infrastructure, as development did when it was the default; a test about production or test says so."""
    os.environ.setdefault("ANPR_ENV", "development")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        parts = Path(str(item.fspath)).parts
        if "integration" in parts:
            item.add_marker(pytest.mark.integration)
        if "e2e" in parts:
            item.add_marker(pytest.mark.e2e)


def _load_env_file() -> None:
    run_dir = Path(os.environ.get("ANPR_RUN_DIR") or ROOT / ".run" / "test")
    env_file = run_dir / "env"
    if env_file.exists():
        for line in env_file.read_text().splitlines():
            name, _, value = line.removeprefix("export ").partition("=")
            if name and value and not name.startswith("#"):
                os.environ.setdefault(name.strip(), value.strip().strip("'\""))


def _reachable(address: str) -> bool:
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def infra() -> dict[str, str]:
    """KAFKA_BOOTSTRAP and DATABASE_URL of the running test infrastructure."""
    _load_env_file()
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP", "")
    database = os.environ.get("DATABASE_URL", "")
    if not bootstrap or not _reachable(bootstrap.split(",")[0]):  # a cluster lists all its brokers
        pytest.fail(f"Kafka not reachable at {bootstrap!r}: run the tests with `make test` (it starts Kafka)")
    pg = database.rsplit("@", 1)[-1].split("/")[0]
    if not database or not _reachable(pg):
        pytest.fail(f"PostgreSQL not reachable at {pg!r}: run the tests with `make test`")
    return {"KAFKA_BOOTSTRAP": bootstrap, "DATABASE_URL": database}


@pytest.fixture
def isolated(infra: dict[str, str]) -> Callable[..., Any]:
    """Settings of a service with a fresh topic prefix and consumer group: tests never see each other."""
    prefix = f"t{uuid.uuid4().hex[:10]}."

    def make(settings_class: type[S], **overrides: Any) -> S:
        values: dict[str, Any] = {
            "environment": "test",
            "kafka_bootstrap": infra["KAFKA_BOOTSTRAP"],
            "database_url": infra["DATABASE_URL"],
            "admin_token": "test-admin-token",
            "extra_tokens": "test-camera-token:camera,test-reviewer-token:reviewer",
            # Per test: state keyed by vehicle (one candidate per day) never leaks between tests or runs.
            "pseudonym_key": f"test-key-{prefix}",
            "dead_letter_key": f"test-dead-letter-key-{prefix}",
            "topic_prefix": prefix,
            "consumer_group": f"{prefix}{settings_class.__name__}",
            "retry_initial_seconds": 0.05,
            "retry_max_seconds": 0.5,
            # People's tokens only where a test asks for them (oidc_issuer=...): the test run's Keycloak
            # issuer in the environment must not leak into every service a test builds.
            "oidc_issuer": "",
        }
        values.update(overrides)
        return settings_class.model_validate(values)

    return make


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[FastAPI]:
    """Run an app's lifespan (database, Kafka, consumer) in this event loop."""
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
def run_app() -> Callable[[FastAPI], Any]:
    return running
