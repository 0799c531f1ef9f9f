import pytest
from pydantic import SecretStr, ValidationError

from anpr_runtime.settings import ServiceSettings

REAL = SecretStr("k3H9-random-production-secret")
# What production needs besides real secrets (test_production_settings.py refuses each missing one).
TLS = {"kafka_security_protocol": "SSL", "database_sslmode": "verify-full"}


@pytest.mark.parametrize("admin_token", ["dev-admin-token", "changeme", "CHANGEME", "secret", "", "dev-anything"])
def test_production_refuses_a_placeholder_admin_token(admin_token: str) -> None:
    with pytest.raises(ValidationError, match="ANPR_ADMIN_TOKEN is a placeholder"):
        ServiceSettings(environment="production", admin_token=SecretStr(admin_token), pseudonym_key=REAL)


def test_production_refuses_the_development_pseudonym_key() -> None:
    with pytest.raises(ValidationError, match="ANPR_PSEUDONYM_KEY is a placeholder"):
        ServiceSettings(environment="production", admin_token=REAL)


def test_production_refuses_the_defaults() -> None:
    with pytest.raises(ValidationError, match="placeholder"):
        ServiceSettings(environment="production", admin_token=SecretStr("dev-admin-token"))


def test_production_accepts_real_secrets() -> None:
    settings = ServiceSettings(
        environment="production", admin_token=REAL, pseudonym_key=SecretStr("another-long-random-secret"), **TLS
    )

    assert settings.environment == "production"


def test_placeholders_are_fine_in_development() -> None:
    settings = ServiceSettings(environment="development", extra_tokens=SecretStr("changeme:reviewer"))

    assert settings.admin_token.get_secret_value() == "dev-admin-token"


def test_the_test_environment_refuses_the_defaults_too() -> None:
    with pytest.raises(ValidationError, match="ANPR_ADMIN_TOKEN is a placeholder"):
        ServiceSettings(environment="test")


def test_the_test_environment_takes_short_secrets_that_are_not_placeholders() -> None:
    settings = ServiceSettings(environment="test", admin_token=SecretStr("t-admin"), pseudonym_key=SecretStr("t-key"))

    assert settings.environment == "test"


@pytest.mark.parametrize("environment", ["test", "production"])
def test_a_placeholder_role_token_is_refused(environment: str) -> None:
    tokens = SecretStr("k3H9-random-reviewer-token:reviewer,changeme:operator")

    with pytest.raises(ValidationError, match="ANPR_TOKENS entry 2 is a placeholder"):
        ServiceSettings(environment=environment, admin_token=REAL, pseudonym_key=REAL, extra_tokens=tokens)


def test_a_placeholder_database_password_is_refused() -> None:
    url = "postgresql+asyncpg://anpr:changeme@db.example:5432/anpr"

    with pytest.raises(ValidationError, match="the password in DATABASE_URL is a placeholder"):
        ServiceSettings(environment="production", admin_token=REAL, pseudonym_key=REAL, database_url=url)


def test_a_placeholder_kafka_password_is_refused() -> None:
    with pytest.raises(ValidationError, match="KAFKA_SASL_PASSWORD is a placeholder"):
        ServiceSettings(
            environment="production",
            admin_token=REAL,
            pseudonym_key=REAL,
            kafka_security_protocol="SASL_PLAINTEXT",
            kafka_sasl_mechanism="SCRAM-SHA-512",
            kafka_sasl_username="anpr-ingest",
            kafka_sasl_password=SecretStr("password"),
        )


@pytest.mark.parametrize(
    ("field", "variable"), [("admin_token", "ANPR_ADMIN_TOKEN"), ("pseudonym_key", "ANPR_PSEUDONYM_KEY")]
)
def test_production_refuses_short_secrets(field: str, variable: str) -> None:
    values = {"admin_token": REAL, "pseudonym_key": REAL, field: SecretStr("k3H9-short")}

    with pytest.raises(ValidationError, match=f"{variable} is shorter than 16 characters"):
        ServiceSettings(environment="production", **values)


def test_a_refusal_never_shows_a_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANPR_ENV", "production")
    monkeypatch.setenv("ANPR_ADMIN_TOKEN", "k3H9-random-production-secret")
    monkeypatch.setenv("ANPR_PSEUDONYM_KEY", "k3H9-short")

    with pytest.raises(ValidationError) as refused:
        ServiceSettings()

    assert "ANPR_PSEUDONYM_KEY is shorter" in str(refused.value)
    assert "k3H9" not in str(refused.value)


def test_production_from_the_environment_is_refused_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANPR_ENV", "production")
    monkeypatch.setenv("ANPR_ADMIN_TOKEN", "dev-admin-token")

    with pytest.raises(ValidationError, match="placeholder"):
        ServiceSettings()


def test_secrets_do_not_show_in_the_repr() -> None:
    assert "dev-admin-token" not in repr(ServiceSettings())


def test_topic_gets_the_prefix() -> None:
    assert ServiceSettings(topic_prefix="t1.").topic("anpr.reads.v1") == "t1.anpr.reads.v1"


def test_production_wants_the_identity_provider_over_https() -> None:
    with pytest.raises(ValidationError, match="ANPR_OIDC_ISSUER must be an https"):
        ServiceSettings(
            environment="production", admin_token=REAL, pseudonym_key=REAL, oidc_issuer="http://idp/realms/anpr"
        )


def test_a_named_machine_token_is_checked_for_placeholders_without_its_name() -> None:
    tokens = SecretStr("gate-north:camera:changeme")

    with pytest.raises(ValidationError, match="ANPR_TOKENS entry 1 is a placeholder"):
        ServiceSettings(environment="test", admin_token=REAL, pseudonym_key=REAL, extra_tokens=tokens)
