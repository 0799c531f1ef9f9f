"""deploy/local/infra.sh with Keycloak as a component: what `status` reports and what `up` writes to
<run>/env. The first tests need nothing running; the last checks the infrastructure `make test` started."""

import os
import re
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT

INFRA = ROOT / "deploy" / "local" / "infra.sh"
# Ports nobody uses here, so `status` on an empty run dir reports every component stopped.
QUIET = {
    "ANPR_KAFKA_PORT": "1",
    "ANPR_KAFKA_CONTROLLER_PORT": "2",
    "ANPR_PG_PORT": "3",
    "ANPR_KEYCLOAK_PORT": "4",
    "ANPR_SMTP_PORT": "5",
}
PEOPLE = ("REVIEWER", "REVIEWER_2", "SUPERVISOR", "OPERATOR", "PERMIT_DESK", "ADMIN")
APPLICANTS = ("RESIDENT", "RESIDENT_2", "BUSINESS")  # the applicants' realm anpr-public


def infra(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(INFRA), *args], env={**os.environ, **env}, capture_output=True, text=True, timeout=60, check=False
    )


def test_status_reports_keycloak_with_the_other_components(tmp_path: Path) -> None:
    done = infra("status", ANPR_RUN_DIR=str(tmp_path / "run"), **QUIET)

    assert done.returncode == 3
    assert [line.split()[:2] for line in done.stdout.splitlines()] == [
        ["smtp", "stopped"],
        ["keycloak", "stopped"],
        ["kafka", "stopped"],
        ["postgres", "stopped"],
    ]
    assert "port=4" in done.stdout.splitlines()[1]
    assert not (tmp_path / "run").exists()  # status never creates anything


@pytest.mark.parametrize("variable", ["ANPR_KEYCLOAK_PORT", "ANPR_CONSOLE_PORT"])
def test_a_bad_port_is_refused_before_anything_starts(tmp_path: Path, variable: str) -> None:
    done = infra("up", **{**QUIET, "ANPR_RUN_DIR": str(tmp_path / "run"), variable: "81o6"})

    assert done.returncode == 1
    assert f"{variable} must be a TCP port number, got '81o6'" in done.stderr
    assert not (tmp_path / "run").exists()


def test_only_a_component_can_be_stopped_or_restarted_alone(tmp_path: Path) -> None:
    for command in ("down", "restart"):
        done = infra(command, "keycloack", ANPR_RUN_DIR=str(tmp_path), **QUIET)
        assert done.returncode == 1
        assert "smtp|keycloak|kafka|postgres" in done.stderr


@pytest.mark.integration
@pytest.mark.skipif(
    not os.environ.get("ANPR_OIDC_ISSUER") or not os.environ.get("ANPR_RUN_DIR"),
    reason="needs the infrastructure of deploy/local/with-infra.sh (make test)",
)
def test_the_running_infrastructure_has_keycloak_and_its_lines_in_the_env_file() -> None:
    """The run dir and ports are the ones `make test` exports (TEST_ENV) for with-infra.sh and pytest alike."""
    done = infra("status")
    keycloak = [line for line in done.stdout.splitlines() if line.startswith("keycloak ")]

    assert done.returncode == 0, done.stdout + done.stderr
    assert keycloak, done.stdout
    assert keycloak[0].split()[1] == "running"
    env_file = Path(os.environ["ANPR_RUN_DIR"]) / "env"
    lines = dict(re.findall(r"^export (\w+)='(.*)'$", env_file.read_text(), flags=re.MULTILINE))
    assert lines["ANPR_OIDC_ISSUER"] == f"{lines['ANPR_KEYCLOAK_URL']}/realms/anpr"
    assert lines["ANPR_OIDC_CONSOLE_CLIENT_ID"] == "anpr-console"
    assert len(lines["ANPR_OIDC_CONSOLE_CLIENT_SECRET"]) >= 32
    assert lines["ANPR_OIDC_TEST_CLIENT_ID"] == "anpr-tests"
    assert lines["ANPR_CONSOLE_URL"] == f"http://127.0.0.1:{lines['ANPR_CONSOLE_PORT']}"
    assert lines["ANPR_PUBLIC_OIDC_ISSUER"] == f"{lines['ANPR_KEYCLOAK_URL']}/realms/anpr-public"
    assert lines["ANPR_PUBLIC_OIDC_CONSOLE_CLIENT_ID"] == "anpr-loket"
    assert len(lines["ANPR_PUBLIC_OIDC_CONSOLE_CLIENT_SECRET"]) >= 32
    assert lines["ANPR_PUBLIC_OIDC_TEST_CLIENT_ID"] == "anpr-public-tests"
    assert (lines["ANPR_SMTP_HOST"], lines["ANPR_SMTP_TLS"]) == ("127.0.0.1", "none")
    assert Path(lines["ANPR_MAIL_DIR"]) == Path(os.environ["ANPR_RUN_DIR"]) / "mail"
    assert lines["ANPR_EXEMPTIONS_COUNTER_URL"] == f"{lines['ANPR_CONSOLE_URL']}/loket"
    for person in PEOPLE + APPLICANTS:
        assert lines[f"ANPR_DEMO_{person}_USER"].startswith("demo-")
        assert len(lines[f"ANPR_DEMO_{person}_PASSWORD"]) >= 32


def test_a_three_broker_cluster_is_three_nodes_two_ports_apart(tmp_path: Path) -> None:
    ports = {"ANPR_KAFKA_PORT": "6", "ANPR_KAFKA_CONTROLLER_PORT": "7", "ANPR_KAFKA_BROKERS": "3"}
    done = infra("status", **{**QUIET, **ports, "ANPR_RUN_DIR": str(tmp_path / "run")})

    assert done.returncode == 3
    kafka = [line.split() for line in done.stdout.splitlines() if line.startswith("kafka")]
    assert kafka == [
        ["kafka-1", "stopped", "port=6"],
        ["kafka-2", "stopped", "port=8"],
        ["kafka-3", "stopped", "port=10"],
    ]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"ANPR_KAFKA_BROKERS": "three"}, "ANPR_KAFKA_BROKERS must be 1 to 9"),
        # Node 2's client port would be node 1's controller port.
        ({"ANPR_KAFKA_BROKERS": "3", "ANPR_KAFKA_PORT": "9092", "ANPR_KAFKA_CONTROLLER_PORT": "9094"}, "ports overlap"),
    ],
)
def test_a_cluster_that_cannot_be_laid_out_is_refused_before_anything_starts(
    tmp_path: Path, settings: dict[str, str], message: str
) -> None:
    done = infra("up", **{**QUIET, **settings, "ANPR_RUN_DIR": str(tmp_path / "run")})

    assert done.returncode == 1
    assert message in done.stderr
    assert not (tmp_path / "run").exists()
