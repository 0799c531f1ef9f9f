import pytest
from pydantic import SecretStr, ValidationError

from anpr_runtime.settings import ServiceSettings

REAL = SecretStr("k3H9-random-production-secret")


@pytest.mark.parametrize("environment", ["test", "production"])
@pytest.mark.parametrize("key", ["dev-dead-letter-key", "changeme", "", "k3H9-random-new-dead-letter-key,dev-old"])
def test_a_placeholder_dead_letter_key_is_refused_outside_development(environment: str, key: str) -> None:
    with pytest.raises(ValidationError, match=r"ANPR_DEAD_LETTER_KEY entry [12] is a placeholder"):
        ServiceSettings(environment=environment, admin_token=REAL, pseudonym_key=REAL, dead_letter_key=SecretStr(key))


def test_the_development_dead_letter_key_is_fine_in_development(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANPR_DEAD_LETTER_KEY")

    assert ServiceSettings(environment="development").dead_letter_key.get_secret_value() == "dev-dead-letter-key"


def test_a_rotated_pair_of_real_keys_is_accepted_in_production() -> None:
    keys = SecretStr("k3H9-random-new-dead-letter-key,k3H9-random-old-dead-letter-key")

    settings = ServiceSettings(
        environment="production",
        admin_token=REAL,
        pseudonym_key=REAL,
        dead_letter_key=keys,
        kafka_security_protocol="SSL",  # production refuses Kafka and PostgreSQL without TLS
        database_sslmode="verify-full",
    )

    assert len(settings.dead_letter_key.get_secret_value().split(",")) == 2
