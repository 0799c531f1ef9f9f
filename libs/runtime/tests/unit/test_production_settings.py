"""Every fail-open setting refuses to start, naming its variable (issue 17 item 2).

Each case starts from settings production accepts (the first test shows it does) and changes one thing.
"""

from typing import Any

import pytest
from pydantic import SecretStr, ValidationError
from pydantic_settings import SettingsConfigDict

from anpr_runtime.settings import ServiceSettings

REAL = "k3H9-random-production-secret"
GOOD: dict[str, Any] = {
    "environment": "production",
    "admin_token": REAL,
    "pseudonym_key": "k3H9-another-production-secret",
    "kafka_security_protocol": "SSL",
    "database_sslmode": "verify-full",
    "oidc_issuer": "https://login.example.org/realms/anpr",
    "extra_tokens": "cam-7:camera:k3H9-camera-7-secret-token,gw:service:k3H9-service-secret-token",
}
SASL = {"kafka_sasl_mechanism": "SCRAM-SHA-512", "kafka_sasl_username": "anpr", "kafka_sasl_password": REAL}


class GateSettings(ServiceSettings):
    """A service with its own prefix, as each real one has: a refused HOST is named with it."""

    model_config = SettingsConfigDict(env_prefix="ANPR_GATE_", frozen=True, extra="ignore")


def production(**changes: Any) -> ServiceSettings:
    return ServiceSettings.model_validate({**GOOD, **changes})


def test_production_accepts_real_secrets_tls_and_named_camera_tokens() -> None:
    settings = production()

    assert settings.environment == "production"
    assert settings.database_url.endswith("?sslmode=verify-full")


FAIL_OPEN = [
    pytest.param({"admin_token": "dev-admin-token"}, "ANPR_ADMIN_TOKEN is a placeholder", id="dev admin token"),
    pytest.param({"admin_token": "changeme"}, "ANPR_ADMIN_TOKEN is a placeholder", id="changeme admin token"),
    pytest.param({"pseudonym_key": "dev-pseudonym-key"}, "ANPR_PSEUDONYM_KEY is a placeholder", id="dev pseudonym"),
    pytest.param({"pseudonym_key": "k3H9-short"}, "ANPR_PSEUDONYM_KEY is shorter than 16", id="short pseudonym"),
    pytest.param(
        {"extra_tokens": "desk:permit_desk:changeme"}, "ANPR_TOKENS entry 1 is a placeholder", id="placeholder token"
    ),
    pytest.param(
        {"extra_tokens": "k3H9-legacy-camera-token:camera"},
        r"ANPR_TOKENS entry 1: a camera token needs its camera id as name \(camera-id:camera:token\)",
        id="camera token without its camera",
    ),
    pytest.param(
        {"kafka_security_protocol": "PLAINTEXT"}, "KAFKA_SECURITY_PROTOCOL=PLAINTEXT .* use SSL or SASL_SSL", id="kafka"
    ),
    pytest.param(
        {"kafka_security_protocol": "SASL_PLAINTEXT", **SASL},
        "KAFKA_SECURITY_PROTOCOL=SASL_PLAINTEXT .* use SSL or SASL_SSL",
        id="kafka sasl without tls",
    ),
    pytest.param({"database_sslmode": None}, "DATABASE_SSLMODE is not set: production needs verify-full", id="no ssl"),
    *[
        pytest.param({"database_sslmode": mode}, f"DATABASE_SSLMODE is {mode}: production needs verify-full", id=mode)
        for mode in ("disable", "allow", "prefer", "require", "verify-ca")
    ],
    pytest.param(
        {"database_sslmode": None, "database_url": "postgresql+asyncpg://anpr@db.example:5432/anpr?sslmode=require"},
        "DATABASE_SSLMODE is require",
        id="sslmode in the url",
    ),
    pytest.param({"oidc_issuer": "http://idp/realms/anpr"}, "ANPR_OIDC_ISSUER must be an https", id="http issuer"),
    pytest.param({"oidc_jwks_url": "http://idp/certs"}, "ANPR_OIDC_JWKS_URL must be an https", id="http jwks"),
    pytest.param(
        {"public_oidc_issuer": "http://idp/realms/anpr-public"},
        "ANPR_PUBLIC_OIDC_ISSUER must be an https",
        id="http applicants' issuer",
    ),
    pytest.param(
        {"public_oidc_jwks_url": "http://idp/public-certs"},
        "ANPR_PUBLIC_OIDC_JWKS_URL must be an https",
        id="http applicants' jwks",
    ),
]


@pytest.mark.parametrize(("change", "reason"), FAIL_OPEN)
def test_each_fail_open_setting_is_refused_by_name(change: dict[str, Any], reason: str) -> None:
    with pytest.raises(ValidationError, match=reason) as refused:
        production(**change)

    assert "refusing to start with ANPR_ENV=production" in str(refused.value)
    assert "k3H9" not in str(refused.value)  # names, never values


def test_every_reason_is_given_at_once() -> None:
    with pytest.raises(ValidationError) as refused:
        production(admin_token="dev-admin-token", kafka_security_protocol="PLAINTEXT", database_sslmode=None)

    message = str(refused.value)
    assert all(name in message for name in ("ANPR_ADMIN_TOKEN", "KAFKA_SECURITY_PROTOCOL", "DATABASE_SSLMODE"))


def test_plaintext_backends_on_a_private_network_are_an_explicit_choice_and_nothing_else() -> None:
    """docker-compose.yml: Kafka and PostgreSQL on the project's own network, published nowhere."""
    private = production(kafka_security_protocol="PLAINTEXT", database_sslmode=None, allow_plaintext_backends=True)

    assert private.kafka_security_protocol == "PLAINTEXT"
    with pytest.raises(ValidationError, match="ANPR_ADMIN_TOKEN is a placeholder"):
        production(kafka_security_protocol="PLAINTEXT", allow_plaintext_backends=True, admin_token="changeme")
    with pytest.raises(ValidationError, match="ANPR_OIDC_ISSUER must be an https"):
        production(allow_plaintext_backends=True, oidc_issuer="http://idp/realms/anpr")


def test_the_test_environment_takes_plaintext_backends_and_unnamed_camera_tokens() -> None:
    """The test suite's own Kafka and PostgreSQL run plaintext on 127.0.0.1, and its cameras are many."""
    settings = ServiceSettings(
        environment="test",
        admin_token=SecretStr("t-admin"),
        pseudonym_key=SecretStr("t-key"),
        extra_tokens=SecretStr("t-camera:camera"),
    )

    assert settings.kafka_security_protocol == "PLAINTEXT"


# Development: the placeholders are public, so only this machine may reach a service that uses them.


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "anpr.example.org"])  # noqa: S104
def test_development_with_placeholder_secrets_refuses_a_non_loopback_listener(host: str) -> None:
    with pytest.raises(ValidationError, match=f"ANPR_GATE_HOST={host} is not a loopback address") as refused:
        GateSettings(environment="development", host=host)

    assert "ANPR_ADMIN_TOKEN, ANPR_PSEUDONYM_KEY" in str(refused.value)


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.53", "::1", "[::1]", "localhost"])
def test_development_listens_on_loopback(host: str) -> None:
    assert GateSettings(environment="development", host=host).host == host


def test_development_with_real_secrets_may_listen_beyond_loopback() -> None:
    """docker-compose.yml's Keycloak recipe: development (http issuer) in containers, real secrets."""
    settings = GateSettings(environment="development", host="0.0.0.0", admin_token=REAL, pseudonym_key=REAL)  # noqa: S104

    assert settings.host == "0.0.0.0"  # noqa: S104


# ANPR_ENV unset


def test_anpr_env_unset_means_production_and_says_how_to_run_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANPR_ENV")

    with pytest.raises(ValidationError, match="ANPR_ADMIN_TOKEN is a placeholder") as refused:
        ServiceSettings()

    assert "ANPR_ENV is not set, which means production; set ANPR_ENV=development for a local run" in str(refused.value)


def test_anpr_env_set_to_production_gets_no_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANPR_ENV", "production")

    with pytest.raises(ValidationError, match="ANPR_ADMIN_TOKEN is a placeholder") as refused:
        ServiceSettings()

    assert "ANPR_ENV is not set" not in str(refused.value)


def test_development_is_a_choice_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANPR_ENV", "development")

    assert ServiceSettings().admin_token.get_secret_value() == "dev-admin-token"
