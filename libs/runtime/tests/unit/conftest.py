import pytest

from .fakes import FakeProducer

SHARED_VARIABLES = (
    "ANPR_ENV",
    "ANPR_ADMIN_TOKEN",
    "ANPR_TOKENS",
    "ANPR_OIDC_ISSUER",
    "ANPR_OIDC_AUDIENCE",
    "ANPR_OIDC_ROLES_CLAIM",
    "ANPR_OIDC_JWKS_URL",
    "ANPR_OIDC_NAME_CLAIM",
    "ANPR_PUBLIC_OIDC_ISSUER",
    "ANPR_PUBLIC_OIDC_AUDIENCE",
    "ANPR_PUBLIC_OIDC_JWKS_URL",
    "ANPR_PUBLIC_OIDC_ID_CLAIMS",
    "ANPR_PSEUDONYM_KEY",
    "ANPR_TOPIC_PREFIX",
    "KAFKA_SECURITY_PROTOCOL",
    "KAFKA_SSL_CAFILE",
    "KAFKA_SSL_CERTFILE",
    "KAFKA_SSL_KEYFILE",
    "KAFKA_SSL_KEY_PASSWORD",
    "KAFKA_SASL_MECHANISM",
    "KAFKA_SASL_USERNAME",
    "KAFKA_SASL_PASSWORD",
    "DATABASE_URL",
    "DATABASE_SSLMODE",
    "DATABASE_SSLROOTCERT",
    "DATABASE_SSLCERT",
    "DATABASE_SSLKEY",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings read the environment: a developer's exported variables must not change these tests."""
    for name in SHARED_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    # Unset means production (test_production_settings checks that); a test about production says so.
    monkeypatch.setenv("ANPR_ENV", "development")
    # A real one, so that a test about another secret is not refused over this one (test_dead_letter_key
    # passes its own).
    monkeypatch.setenv("ANPR_DEAD_LETTER_KEY", "k3H9-random-dead-letter-key")


@pytest.fixture
def producer() -> FakeProducer:
    return FakeProducer()
