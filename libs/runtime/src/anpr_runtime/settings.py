"""Settings every service shares. Services subclass `ServiceSettings` with their own env prefix."""

from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_PLACEHOLDERS = {"", "changeme", "change-me", "secret", "dev", "development"}


def _shared(name: str) -> AliasChoices:
    """A shared variable (e.g. KAFKA_BOOTSTRAP) that the service prefix may override."""
    return AliasChoices(name)


class ServiceSettings(BaseSettings):
    """Read from the environment (see `.run/env`); nothing is read at import time."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    environment: Literal["development", "test", "production"] = Field(
        default="development", validation_alias=_shared("ANPR_ENV")
    )
    kafka_bootstrap: str = Field(default="127.0.0.1:19092", validation_alias=_shared("KAFKA_BOOTSTRAP"))
    database_url: str = Field(
        default="postgresql+asyncpg://postgres@127.0.0.1:15432/anpr", validation_alias=_shared("DATABASE_URL")
    )
    admin_token: SecretStr = Field(default=SecretStr("dev-admin-token"), validation_alias=_shared("ANPR_ADMIN_TOKEN"))
    # "token:role,token:role" for the other roles until tokens live in a database.
    extra_tokens: SecretStr = Field(default=SecretStr(""), validation_alias=_shared("ANPR_TOKENS"))
    pseudonym_key: SecretStr = Field(
        default=SecretStr("dev-pseudonym-key"), validation_alias=_shared("ANPR_PSEUDONYM_KEY")
    )
    host: str = "127.0.0.1"
    port: int = 8100
    consumer_group: str = ""
    topic_prefix: str = Field(default="", validation_alias=_shared("ANPR_TOPIC_PREFIX"))
    retry_initial_seconds: float = 0.2
    retry_max_seconds: float = 10.0

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> "ServiceSettings":
        if self.environment == "production":
            for name in ("admin_token", "pseudonym_key"):
                value: SecretStr = getattr(self, name)
                if value.get_secret_value().lower() in _PLACEHOLDERS or value.get_secret_value().startswith("dev-"):
                    raise ValueError(f"{name} is a placeholder: set a real secret outside development")
        return self

    def topic(self, name: str) -> str:
        """Topic name with the optional prefix (tests isolate themselves with it)."""
        return f"{self.topic_prefix}{name}"
