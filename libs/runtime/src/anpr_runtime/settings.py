"""Settings every service shares. Services subclass `ServiceSettings` with their own env prefix.

Secrets come from the environment only. A service refuses to start on settings that fail open:

- outside `development`: a placeholder secret (the defaults below, `changeme` and the like);
- in `production` also: a short secret, Kafka without TLS (PLAINTEXT, SASL_PLAINTEXT), PostgreSQL with
  an `sslmode` below `verify-full`, an identity provider over http, a camera token without its camera;
- in `development`: listening beyond loopback while a placeholder secret is in use (the development
  secrets are public: anyone who reaches the port would be admin and could reverse plate pseudonyms).

`ANPR_ENV` unset means production: a deployment that forgets it fails closed, and every local way of
running (`make up`/`demo`/`test`, `anpr up`/`demo`, the bench tools) says `development` or `test` itself.
See docs/security.md.
"""

from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import AliasChoices, Field, FilePath, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from anpr_runtime.fail_open import database_sslmode, is_loopback
from anpr_runtime.machine_tokens import MachineToken, machine_tokens

_PLACEHOLDERS = {"", "changeme", "change-me", "secret", "password", "dev", "development", "test", "admin"}
MIN_PRODUCTION_SECRET_LENGTH = 16
KafkaSecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
KafkaSaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]
# libpq's names, so that an operator's PostgreSQL knowledge applies as is.
SslMode = Literal["disable", "allow", "prefer", "require", "verify-ca", "verify-full"]
DATABASE_TLS_PARAMETERS = ("sslmode", "sslrootcert", "sslcert", "sslkey")
PLAINTEXT_KAFKA = frozenset({"PLAINTEXT", "SASL_PLAINTEXT"})
UNSET_ENVIRONMENT_HINT = "\n(ANPR_ENV is not set, which means production; set ANPR_ENV=development for a local run)"


def _shared(name: str) -> AliasChoices:
    """A shared variable (e.g. KAFKA_BOOTSTRAP) that the service prefix may override."""
    return AliasChoices(name)


def is_placeholder(secret: str) -> bool:
    return secret.lower() in _PLACEHOLDERS or secret.lower().startswith("dev-")


class ServiceSettings(BaseSettings):
    """Read from the environment (see `.run/env`); nothing is read at import time."""

    # hide_input_in_errors: a refused setting must not print the secrets next to it (start-up logs).
    model_config = SettingsConfigDict(frozen=True, extra="ignore", populate_by_name=True, hide_input_in_errors=True)

    # Unset means production (see the module docstring): failing closed costs a developer one variable,
    # failing open would cost a municipality its plates.
    environment: Literal["development", "test", "production"] = Field(
        default="production", validation_alias=_shared("ANPR_ENV")
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
    # "name:role:token,..." for the other roles until tokens live in a database (machine_tokens.py): the
    # name is the principal's stable subject in audit rows, and a camera token's camera.
    extra_tokens: SecretStr = Field(default=SecretStr(""), validation_alias=_shared("ANPR_TOKENS"))
    # People's OpenID Connect access tokens; an empty issuer turns them off (machine tokens only).
    oidc_issuer: str = Field(default="", validation_alias=_shared("ANPR_OIDC_ISSUER"))
    oidc_audience: str = Field(default="anpr", validation_alias=_shared("ANPR_OIDC_AUDIENCE"))
    # Dotted path to the roles: realm_access.roles (Keycloak realm roles), roles (Entra ID app roles).
    oidc_roles_claim: str = Field(default="realm_access.roles", validation_alias=_shared("ANPR_OIDC_ROLES_CLAIM"))
    # Empty: the jwks_uri of the issuer's discovery document.
    oidc_jwks_url: str = Field(default="", validation_alias=_shared("ANPR_OIDC_JWKS_URL"))
    oidc_name_claim: str = Field(default="name", validation_alias=_shared("ANPR_OIDC_NAME_CLAIM"))
    # Applicants (the permit counter): a second issuer standing in for DigiD / eHerkenning. Its tokens
    # only ever bring the role `applicant`, whatever roles they claim; empty turns applicants off.
    public_oidc_issuer: str = Field(default="", validation_alias=_shared("ANPR_PUBLIC_OIDC_ISSUER"))
    public_oidc_audience: str = Field(default="anpr-public", validation_alias=_shared("ANPR_PUBLIC_OIDC_AUDIENCE"))
    public_oidc_jwks_url: str = Field(default="", validation_alias=_shared("ANPR_PUBLIC_OIDC_JWKS_URL"))
    # Which claim identifies the applicant, tried in order: `prefix=claim` or `claim` (prefix = claim);
    # the applicant id is `prefix:value` (bsn:999990019, kvk:90000001).
    public_oidc_id_claims: str = Field(default="bsn,kvk", validation_alias=_shared("ANPR_PUBLIC_OIDC_ID_CLAIMS"))
    pseudonym_key: SecretStr = Field(
        default=SecretStr("dev-pseudonym-key"), validation_alias=_shared("ANPR_PSEUDONYM_KEY")
    )
    # Seals dead letters' payloads (AES-GCM); "new,old": the first seals, any opens (key rotation).
    dead_letter_key: SecretStr = Field(
        default=SecretStr("dev-dead-letter-key"), validation_alias=_shared("ANPR_DEAD_LETTER_KEY")
    )
    host: str = "127.0.0.1"
    port: int = 8100
    # Production only: Kafka and PostgreSQL without TLS, where both are reachable on one host's private
    # network and nowhere else (docker-compose.yml publishes neither). Never for brokers or databases
    # shared over a real network.
    allow_plaintext_backends: bool = Field(default=False, validation_alias=_shared("ANPR_ALLOW_PLAINTEXT_BACKENDS"))
    consumer_group: str = ""
    topic_prefix: str = Field(default="", validation_alias=_shared("ANPR_TOPIC_PREFIX"))
    retry_initial_seconds: float = 0.2
    retry_max_seconds: float = 10.0

    @field_validator("extra_tokens")
    @classmethod
    def _tokens_are_well_formed(cls, value: SecretStr) -> SecretStr:
        machine_tokens(value.get_secret_value())  # in every environment: a typo must not lose a token
        return value

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
    def _refuse_fail_open(self) -> "ServiceSettings":
        """Every reason at once, each naming its variable (never a value): one restart fixes them all."""
        problems = [*self._secret_problems(), *self._listener_problems(), *self._production_problems()]
        if not problems:
            return self
        hint = "" if "environment" in self.model_fields_set else UNSET_ENVIRONMENT_HINT
        raise ValueError(f"refusing to start with ANPR_ENV={self.environment}:\n- " + "\n- ".join(problems) + hint)

    def _secret_problems(self) -> list[str]:
        if self.environment == "development":
            return []
        problems = []
        for name, value in self.named_secrets().items():
            if is_placeholder(value):
                problems.append(f"{name} is a placeholder: set a real secret outside development")
            elif self.environment == "production" and len(value) < MIN_PRODUCTION_SECRET_LENGTH:
                problems.append(f"{name} is shorter than {MIN_PRODUCTION_SECRET_LENGTH} characters")
        return problems

    def _listener_problems(self) -> list[str]:
        """Development's secrets are public: with one in use, only this machine may reach the service."""
        if self.environment != "development" or is_loopback(self.host):
            return []
        placeholders = [name for name, value in self.named_secrets().items() if is_placeholder(value)]
        if not placeholders:
            return []
        variable = f"{self.model_config.get('env_prefix', '')}HOST".upper()
        return [
            f"{variable}={self.host} is not a loopback address, and {', '.join(placeholders)} "
            "are development placeholders anyone may know: listen on 127.0.0.1 or set real secrets"
        ]

    def _production_problems(self) -> list[str]:
        if self.environment != "production":
            return []
        problems = [
            f"{name} must be an https:// URL in production"
            for name, url in {
                "ANPR_OIDC_ISSUER": self.oidc_issuer,
                "ANPR_OIDC_JWKS_URL": self.oidc_jwks_url,
                "ANPR_PUBLIC_OIDC_ISSUER": self.public_oidc_issuer,
                "ANPR_PUBLIC_OIDC_JWKS_URL": self.public_oidc_jwks_url,
            }.items()
            if url and not url.startswith("https://")
        ]
        if not self.allow_plaintext_backends:
            if self.kafka_security_protocol in PLAINTEXT_KAFKA:
                problems.append(
                    f"KAFKA_SECURITY_PROTOCOL={self.kafka_security_protocol} sends plates and photos unencrypted: "
                    "use SSL or SASL_SSL in production"
                )
            sslmode = database_sslmode(self.database_url)
            if sslmode != "verify-full":
                problems.append(
                    f"DATABASE_SSLMODE is {sslmode or 'not set'}: production needs verify-full (TLS with the "
                    "server's certificate and host name checked)"
                )
        problems += [
            f"ANPR_TOKENS entry {number}: a camera token needs its camera id as name (camera-id:camera:token), "
            "so that it may send for that camera only"
            for number, entry in enumerate(self.machine_tokens(), start=1)
            if entry.role == "camera" and not entry.name
        ]
        return problems

    def machine_tokens(self) -> list[MachineToken]:
        """The parsed ANPR_TOKENS entries (checked when the settings were built)."""
        return machine_tokens(self.extra_tokens.get_secret_value())

    def named_secrets(self) -> dict[str, str]:
        """Every secret by a name that does not reveal it: what the placeholder check looks at."""
        found = {
            "ANPR_ADMIN_TOKEN": self.admin_token.get_secret_value(),
            "ANPR_PSEUDONYM_KEY": self.pseudonym_key.get_secret_value(),
        }
        for n, key in enumerate(self.dead_letter_key.get_secret_value().split(",")):
            found[f"ANPR_DEAD_LETTER_KEY entry {n + 1}"] = key.strip()
        for n, entry in enumerate(self.machine_tokens()):
            found[f"ANPR_TOKENS entry {n + 1}"] = entry.token
        if self.kafka_sasl_password is not None:
            found["KAFKA_SASL_PASSWORD"] = self.kafka_sasl_password.get_secret_value()
        database_password = urlsplit(self.database_url).password
        if database_password is not None:
            found["the password in DATABASE_URL"] = database_password
        return found

    def topic(self, name: str) -> str:
        """Topic name with the optional prefix (tests isolate themselves with it)."""
        return f"{self.topic_prefix}{name}"
