"""Settings every service shares. Services subclass `ServiceSettings` with their own env prefix.

Secrets come from the environment only. Outside `development` a service refuses to start on a
placeholder secret (the defaults below, `changeme` and the like), and in `production` also on a short
one. Kafka and PostgreSQL connections can use TLS (and Kafka SASL) by configuration; see docs/security.md.
"""

from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import AliasChoices, Field, FilePath, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_PLACEHOLDERS = {"", "changeme", "change-me", "secret", "password", "dev", "development", "test", "admin"}
MIN_PRODUCTION_SECRET_LENGTH = 16
KafkaSecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
KafkaSaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]
# libpq's names, so that an operator's PostgreSQL knowledge applies as is.
SslMode = Literal["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]
DATABASE_TLS_PARAMETERS = ("sslmode", "sslrootcert", "sslcert", "sslkey")
# The role names an ANPR_TOKENS entry may carry (auth.Role's values; auth checks the same list).
MACHINE_TOKEN_ROLES = frozenset({"admin", "camera", "reviewer", "supervisor", "operator", "permit_desk", "service"})


def _shared(name: str) -> AliasChoices:
    """A shared variable (e.g. KAFKA_BOOTSTRAP) that the service prefix may override."""
    return AliasChoices(name)


def machine_token_entry(item: str) -> tuple[str, str, str]:
    """(token, role, name) of one ANPR_TOKENS entry, `token:role` or `token:role:name`; the token may hold
    colons. Unknown roles are the caller's to refuse; a name (if any) follows the last role-like part."""
    head, _, last = item.strip().rpartition(":")
    if last in MACHINE_TOKEN_ROLES or ":" not in head:
        return head, last, ""
    token, _, role = head.rpartition(":")
    return (token, role, last) if role in MACHINE_TOKEN_ROLES else (head, last, "")


def is_placeholder(secret: str) -> bool:
    return secret.lower() in _PLACEHOLDERS or secret.lower().startswith("dev-")


class ServiceSettings(BaseSettings):
    """Read from the environment (see `.run/env`); nothing is read at import time."""

    # hide_input_in_errors: a refused setting must not print the secrets next to it (start-up logs).
    model_config = SettingsConfigDict(frozen=True, extra="ignore", populate_by_name=True, hide_input_in_errors=True)

    environment: Literal["development", "test", "production"] = Field(
        default="development", validation_alias=_shared("ANPR_ENV")
    )
    kafka_bootstrap: str = Field(default="127.0.0.1:19092", validation_alias=_shared("KAFKA_BOOTSTRAP"))
    kafka_security_protocol: KafkaSecurityProtocol = Field(
        default="PLAINTEXT", validation_alias=_shared("KAFKA_SECURITY_PROTOCOL")
    )
    kafka_ssl_cafile: FilePath | None = Field(default=None, validation_alias=_shared("KAFKA_SSL_CAFILE"))
    kafka_ssl_certfile: FilePath | None = Field(default=None, validation_alias=_shared("KAFKA_SSL_CERTFILE"))
    kafka_ssl_keyfile: FilePath | None = Field(default=None, validation_alias=_shared("KAFKA_SSL_KEYFILE"))
    kafka_ssl_key_password: SecretStr | None = Field(default=None, validation_alias=_shared("KAFKA_SSL_KEY_PASSWORD"))
    kafka_sasl_mechanism: KafkaSaslMechanism | None = Field(
        default=None, validation_alias=_shared("KAFKA_SASL_MECHANISM")
    )
    kafka_sasl_username: str | None = Field(default=None, validation_alias=_shared("KAFKA_SASL_USERNAME"))
    kafka_sasl_password: SecretStr | None = Field(default=None, validation_alias=_shared("KAFKA_SASL_PASSWORD"))
    # Declared before database_url: its validator folds them into the URL's query (libpq style).
    database_sslmode: SslMode | None = Field(default=None, validation_alias=_shared("DATABASE_SSLMODE"))
    database_sslrootcert: FilePath | None = Field(default=None, validation_alias=_shared("DATABASE_SSLROOTCERT"))
    database_sslcert: FilePath | None = Field(default=None, validation_alias=_shared("DATABASE_SSLCERT"))
    database_sslkey: FilePath | None = Field(default=None, validation_alias=_shared("DATABASE_SSLKEY"))
    database_url: str = Field(
        default="postgresql+asyncpg://postgres@127.0.0.1:15432/anpr", validation_alias=_shared("DATABASE_URL")
    )
    admin_token: SecretStr = Field(default=SecretStr("dev-admin-token"), validation_alias=_shared("ANPR_ADMIN_TOKEN"))
    # "token:role,token:role:name" for the other roles until tokens live in a database; the name (else a
    # fingerprint of the token) is the principal's stable subject in audit rows.
    extra_tokens: SecretStr = Field(default=SecretStr(""), validation_alias=_shared("ANPR_TOKENS"))
    # People's OpenID Connect access tokens; an empty issuer turns them off (machine tokens only).
    oidc_issuer: str = Field(default="", validation_alias=_shared("ANPR_OIDC_ISSUER"))
    oidc_audience: str = Field(default="anpr", validation_alias=_shared("ANPR_OIDC_AUDIENCE"))
    # Dotted path to the roles: realm_access.roles (Keycloak realm roles), roles (Entra ID app roles).
    oidc_roles_claim: str = Field(default="realm_access.roles", validation_alias=_shared("ANPR_OIDC_ROLES_CLAIM"))
    # Empty: the jwks_uri of the issuer's discovery document.
    oidc_jwks_url: str = Field(default="", validation_alias=_shared("ANPR_OIDC_JWKS_URL"))
    oidc_name_claim: str = Field(default="name", validation_alias=_shared("ANPR_OIDC_NAME_CLAIM"))
    pseudonym_key: SecretStr = Field(
        default=SecretStr("dev-pseudonym-key"), validation_alias=_shared("ANPR_PSEUDONYM_KEY")
    )
    # Seals dead letters' payloads (AES-GCM); "new,old": the first seals, any opens (key rotation).
    dead_letter_key: SecretStr = Field(
        default=SecretStr("dev-dead-letter-key"), validation_alias=_shared("ANPR_DEAD_LETTER_KEY")
    )
    host: str = "127.0.0.1"
    port: int = 8100
    consumer_group: str = ""
    topic_prefix: str = Field(default="", validation_alias=_shared("ANPR_TOPIC_PREFIX"))
    retry_initial_seconds: float = 0.2
    retry_max_seconds: float = 10.0

    @field_validator("database_url")
    @classmethod
    def _with_database_tls(cls, url: str, info: ValidationInfo) -> str:
        """DATABASE_SSLMODE etc. join the URL, so every engine and migration built from it uses them."""
        given = {name: info.data.get(f"database_{name}") for name in DATABASE_TLS_PARAMETERS}
        if not any(given.values()):
            return url
        parts = urlsplit(url)
        query = dict(parse_qsl(parts.query))
        query.update({name: str(value) for name, value in given.items() if value is not None})
        return urlunsplit(parts._replace(query=urlencode(query)))

    @model_validator(mode="after")
    def _kafka_security_is_complete(self) -> "ServiceSettings":
        sasl = self.kafka_security_protocol.startswith("SASL_")
        if sasl and not (self.kafka_sasl_mechanism and self.kafka_sasl_username and self.kafka_sasl_password):
            raise ValueError(f"{self.kafka_security_protocol} needs KAFKA_SASL_MECHANISM, _USERNAME and _PASSWORD")
        if (self.kafka_ssl_certfile is None) != (self.kafka_ssl_keyfile is None):
            raise ValueError("a Kafka client certificate needs both KAFKA_SSL_CERTFILE and KAFKA_SSL_KEYFILE")
        if (self.database_sslcert is None) != (self.database_sslkey is None):
            raise ValueError("a PostgreSQL client certificate needs both DATABASE_SSLCERT and DATABASE_SSLKEY")
        return self

    @model_validator(mode="after")
    def _oidc_over_tls_in_production(self) -> "ServiceSettings":
        urls = {"ANPR_OIDC_ISSUER": self.oidc_issuer, "ANPR_OIDC_JWKS_URL": self.oidc_jwks_url}
        for name, url in urls.items():
            if self.environment == "production" and url and not url.startswith("https://"):
                raise ValueError(f"{name} must be an https:// URL in production")
        return self

    @model_validator(mode="after")
    def _refuse_placeholder_secrets(self) -> "ServiceSettings":
        if self.environment == "development":
            return self
        for name, value in self.named_secrets().items():
            if is_placeholder(value):
                raise ValueError(f"{name} is a placeholder: set a real secret outside development")
            if self.environment == "production" and len(value) < MIN_PRODUCTION_SECRET_LENGTH:
                raise ValueError(f"{name} is shorter than {MIN_PRODUCTION_SECRET_LENGTH} characters")
        return self

    def named_secrets(self) -> dict[str, str]:
        """Every secret by a name that does not reveal it: what the placeholder check looks at."""
        found = {
            "admin_token": self.admin_token.get_secret_value(),
            "pseudonym_key": self.pseudonym_key.get_secret_value(),
        }
        for n, key in enumerate(self.dead_letter_key.get_secret_value().split(",")):
            found[f"ANPR_DEAD_LETTER_KEY entry {n + 1}"] = key.strip()
        for n, item in enumerate(filter(None, self.extra_tokens.get_secret_value().split(","))):
            found[f"ANPR_TOKENS entry {n + 1}"] = machine_token_entry(item)[0]
        if self.kafka_sasl_password is not None:
            found["kafka_sasl_password"] = self.kafka_sasl_password.get_secret_value()
        database_password = urlsplit(self.database_url).password
        if database_password is not None:
            found["the password in DATABASE_URL"] = database_password
        return found

    def topic(self, name: str) -> str:
        """Topic name with the optional prefix (tests isolate themselves with it)."""
        return f"{self.topic_prefix}{name}"
