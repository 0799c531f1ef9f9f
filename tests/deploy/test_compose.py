"""docker-compose.yml cannot run here (no Docker engine): check what can be checked without one, against
the code: images and Dockerfiles, commands, every variable a service is given, ports, health checks and
start order."""

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from anpr_cli.paths import SERVICES as CLI_SERVICES

from .conftest import ROOT, SERVICES, default_port, readable_by, settings_class, without_run_environment

COMPOSE = ROOT / "docker-compose.yml"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text())
    return loaded


def test_the_services_are_the_ones_the_cli_runs(compose: dict[str, Any]) -> None:
    assert set(SERVICES) == set(CLI_SERVICES)
    for name in SERVICES:
        assert compose["services"][name]["command"] == ["anpr", "run", name]
    assert compose["services"]["migrate"]["command"] == ["anpr", "migrate"]


def test_every_image_we_build_has_its_dockerfile(compose: dict[str, Any]) -> None:
    built = {name: svc for name, svc in compose["services"].items() if "build" in svc}
    assert set(built) == {*SERVICES, "migrate"}
    for name, service in built.items():
        build = service["build"]
        context = build if isinstance(build, str) else build["context"]
        dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
        assert (ROOT / context / dockerfile).is_file(), name
        assert service["image"].startswith("anpr-platform:")
    assert "uv sync --frozen --no-dev" in (ROOT / "Dockerfile").read_text()
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".run", ".git"} <= set(ignored)


@pytest.mark.parametrize("name", [*SERVICES, "migrate"])
def test_every_variable_given_to_a_service_is_one_its_code_reads(compose: dict[str, Any], name: str) -> None:
    given = set(compose["services"][name]["environment"])
    readers = SERVICES if name == "migrate" else (name,)
    for reader in readers:
        unknown = given - readable_by(reader)
        assert not unknown, f"{name}: {sorted(unknown)} are read by no setting of {reader}"
    assert {"KAFKA_BOOTSTRAP", "DATABASE_URL", "ANPR_ADMIN_TOKEN", "ANPR_PSEUDONYM_KEY"} <= given


@pytest.mark.parametrize("name", SERVICES)
def test_each_service_listens_where_its_port_and_health_check_say(compose: dict[str, Any], name: str) -> None:
    service = compose["services"][name]
    env = service["environment"]
    port = default_port(name)
    assert env[f"ANPR_{name.upper()}_HOST"] == "0.0.0.0"  # noqa: S104 (inside the container, on purpose)
    assert int(env[f"ANPR_{name.upper()}_PORT"]) == port
    assert service["ports"] == [f"127.0.0.1:{port}:{port}"]  # only this machine, like deploy/local
    probe = " ".join(service["healthcheck"]["test"])
    assert f"http://127.0.0.1:{port}/readyz" in probe


@pytest.mark.parametrize("name", SERVICES)
def test_services_start_after_the_broker_the_database_and_the_migrations(compose: dict[str, Any], name: str) -> None:
    depends = compose["services"][name]["depends_on"]
    assert depends["kafka"] == {"condition": "service_healthy"}
    assert depends["postgres"] == {"condition": "service_healthy"}
    assert depends["migrate"] == {"condition": "service_completed_successfully"}
    assert compose["services"]["migrate"]["restart"] == "no"
    assert compose["services"]["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}


def test_kafka_is_the_official_image_in_kraft_mode_and_postgres_matches_the_url(compose: dict[str, Any]) -> None:
    kafka = compose["services"]["kafka"]
    assert kafka["image"].startswith("apache/kafka:")
    assert kafka["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert not any("ZOOKEEPER" in name for name in kafka["environment"])
    assert kafka["environment"]["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    bootstrap = compose["services"]["ingest"]["environment"]["KAFKA_BOOTSTRAP"]
    assert f"PLAINTEXT://{bootstrap}" == kafka["environment"]["KAFKA_ADVERTISED_LISTENERS"]
    postgres = compose["services"]["postgres"]["environment"]
    url = compose["services"]["ingest"]["environment"]["DATABASE_URL"]
    match = re.fullmatch(r"postgresql\+asyncpg://(\w+):(.+)@postgres:5432/(\w+)", url)
    assert match, url
    assert (match[1], match[3]) == (postgres["POSTGRES_USER"], postgres["POSTGRES_DB"])
    assert match[2] == postgres["POSTGRES_PASSWORD"]


def test_secrets_are_required_never_defaulted(compose: dict[str, Any]) -> None:
    env = compose["services"]["ingest"]["environment"]
    assert env["ANPR_ENV"] == "${ANPR_ENV:-production}"  # development only by asking for it
    for name in ("ANPR_ADMIN_TOKEN", "ANPR_PSEUDONYM_KEY"):
        assert re.fullmatch(rf"\$\{{{name}:\?[^}}]+\}}", env[name]), env[name]


def test_the_regime_files_mounted_into_rules_exist(compose: dict[str, Any]) -> None:
    rules = compose["services"]["rules"]
    source, target, _ = rules["volumes"][0].split(":")
    assert target == rules["environment"]["ANPR_RULES_REGIME_DIR"]
    assert list(Path(ROOT / source).glob("*.yaml"))


def test_the_image_carries_the_prepared_detector_where_recognition_looks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Built at image build time: a pod must neither spend minutes on it nor write to its file system."""
    from anpr_recognition import default_cache_dir

    dockerfile = (ROOT / "Dockerfile").read_text()
    [cache] = re.findall(r"^ENV ANPR_MODEL_CACHE=(\S+)$", dockerfile, flags=re.MULTILINE)
    monkeypatch.setenv("ANPR_MODEL_CACHE", cache)
    assert default_cache_dir() == Path(cache)
    build = dockerfile.index("prepared_detector as p; p('int8'); p('fp32')")
    assert dockerfile.index("ENV ANPR_MODEL_CACHE=") < build < dockerfile.index("USER nobody")


def test_every_service_gets_the_oidc_settings_from_the_environment(compose: dict[str, Any]) -> None:
    for name in [*SERVICES, "migrate"]:
        env = compose["services"][name]["environment"]
        assert env["ANPR_OIDC_ISSUER"] == "${ANPR_OIDC_ISSUER:-}", name  # empty: machine tokens only
        assert env["ANPR_OIDC_AUDIENCE"] == "${ANPR_OIDC_AUDIENCE:-anpr}", name
        assert env["ANPR_OIDC_ROLES_CLAIM"] == "${ANPR_OIDC_ROLES_CLAIM:-realm_access.roles}", name


def test_the_console_calls_the_services_by_their_compose_names(compose: dict[str, Any]) -> None:
    env = compose["services"]["console"]["environment"]
    for name in ("ingest", "rules", "exemptions", "notices"):
        assert env[f"ANPR_{name.upper()}_URL"] == f"http://{name}:{default_port(name)}"
    assert re.fullmatch(r"\$\{ANPR_OIDC_CONSOLE_CLIENT_SECRET:\?[^}]+\}", env["ANPR_OIDC_CONSOLE_CLIENT_SECRET"])


def test_keycloak_is_the_official_image_with_the_realm_and_every_placeholder_it_needs(compose: dict[str, Any]) -> None:
    keycloak = compose["services"]["keycloak"]
    assert keycloak["image"] == "quay.io/keycloak/keycloak:26.5.6"
    local = (ROOT / "deploy" / "local" / "lib" / "keycloak.sh").read_text()
    assert "readonly KC_VERSION=26.5.6" in local  # the same Keycloak as make up runs
    assert keycloak["profiles"] == ["keycloak"]  # local use: not started by a plain `docker compose up`
    assert keycloak["ports"] == ["127.0.0.1:8180:8180"]
    source, target, mode = keycloak["volumes"][0].split(":")
    assert (target, mode) == ("/opt/keycloak/data/import", "ro")
    realm = (ROOT / source / "anpr-realm.json").read_text()
    assert "--import-realm" in keycloak["command"]
    placeholders = set(re.findall(r"\$\{(\w+)\}", realm))
    assert placeholders
    assert placeholders <= set(keycloak["environment"]), sorted(placeholders - set(keycloak["environment"]))
    postgres = compose["services"]["postgres"]
    [init] = postgres["configs"]
    assert "CREATE DATABASE keycloak" in compose["configs"][init["source"]]["content"]
    assert keycloak["environment"]["KC_DB_URL"].endswith("postgres:5432/keycloak")


def test_only_a_private_kafka_and_postgres_may_be_plaintext_in_production(compose: dict[str, Any]) -> None:
    """ANPR_ALLOW_PLAINTEXT_BACKENDS holds only while neither is reachable from outside this host."""
    assert compose["services"]["migrate"]["environment"]["ANPR_ALLOW_PLAINTEXT_BACKENDS"] == "true"
    for backend in ("kafka", "postgres"):
        assert "ports" not in compose["services"][backend], backend
    for name in SERVICES:
        published = compose["services"][name].get("ports", [])
        assert all(port.startswith("127.0.0.1:") for port in published), name


@pytest.mark.parametrize("allowed", [True, False])
def test_the_services_start_in_production_on_compose_settings_only_with_the_private_network(
    compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch, allowed: bool
) -> None:
    without_run_environment(monkeypatch)
    secrets = {"POSTGRES_PASSWORD": "k3H9-postgres-password", "ANPR_ADMIN_TOKEN": "k3H9-admin-token-secret"}
    secrets |= {"ANPR_PSEUDONYM_KEY": "k3H9-pseudonym-key-secret", "ANPR_DEAD_LETTER_KEY": "k3H9-dead-letter-secret"}
    for name, value in compose["services"]["ingest"]["environment"].items():
        value = str(value)
        for secret, real in secrets.items():
            value = re.sub(rf"\$\{{{secret}:\?[^}}]*\}}", real, value)
        monkeypatch.setenv(name, re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", value))
    if not allowed:
        monkeypatch.delenv("ANPR_ALLOW_PLAINTEXT_BACKENDS")

    if allowed:
        assert settings_class("ingest")().environment == "production"
    else:
        with pytest.raises(ValidationError, match="KAFKA_SECURITY_PROTOCOL=PLAINTEXT"):
            settings_class("ingest")()
