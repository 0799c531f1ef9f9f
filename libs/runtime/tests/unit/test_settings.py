import pytest
from pydantic import SecretStr, ValidationError

from anpr_runtime.settings import ServiceSettings

REAL = SecretStr("k3H9-random-production-secret")


@pytest.mark.parametrize("admin_token", ["dev-admin-token", "changeme", "CHANGEME", "secret", "", "dev-anything"])
def test_production_refuses_a_placeholder_admin_token(admin_token: str) -> None:
    with pytest.raises(ValidationError, match="admin_token is a placeholder"):
        ServiceSettings(environment="production", admin_token=SecretStr(admin_token), pseudonym_key=REAL)


def test_production_refuses_the_development_pseudonym_key() -> None:
    with pytest.raises(ValidationError, match="pseudonym_key is a placeholder"):
        ServiceSettings(environment="production", admin_token=REAL)


def test_production_refuses_the_defaults() -> None:
    with pytest.raises(ValidationError, match="placeholder"):
        ServiceSettings(environment="production", admin_token=SecretStr("dev-admin-token"))


def test_production_accepts_real_secrets() -> None:
    settings = ServiceSettings(environment="production", admin_token=REAL, pseudonym_key=SecretStr("another-secret"))

    assert settings.environment == "production"


@pytest.mark.parametrize("environment", ["development", "test"])
def test_placeholders_are_fine_outside_production(environment: str) -> None:
    settings = ServiceSettings(environment=environment)

    assert settings.admin_token.get_secret_value() == "dev-admin-token"


def test_production_from_the_environment_is_refused_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANPR_ENV", "production")
    monkeypatch.setenv("ANPR_ADMIN_TOKEN", "dev-admin-token")

    with pytest.raises(ValidationError, match="placeholder"):
        ServiceSettings()


def test_secrets_do_not_show_in_the_repr() -> None:
    assert "dev-admin-token" not in repr(ServiceSettings())


def test_topic_gets_the_prefix() -> None:
    assert ServiceSettings(topic_prefix="t1.").topic("anpr.reads.v1") == "t1.anpr.reads.v1"
