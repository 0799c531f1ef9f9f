from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import SettingsConfigDict

from anpr_runtime.settings import ServiceSettings


def _either(own: str, shared: str) -> AliasChoices:
    """The console's own variable first, else the one `.run/env` already holds for every service."""
    return AliasChoices(own, shared)


class ConsoleSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ANPR_CONSOLE_", frozen=True, extra="ignore")

    port: int = 8106
    # Where people's browsers reach the console: the OIDC redirect and post-logout URIs are built from it
    # and must be registered at the identity provider exactly so.
    public_url: str = Field(
        default="http://127.0.0.1:8106", validation_alias=_either("ANPR_CONSOLE_PUBLIC_URL", "ANPR_CONSOLE_URL")
    )
    client_id: str = Field(
        default="anpr-console", validation_alias=_either("ANPR_CONSOLE_CLIENT_ID", "ANPR_OIDC_CONSOLE_CLIENT_ID")
    )
    client_secret: SecretStr = Field(
        default=SecretStr(""), validation_alias=_either("ANPR_CONSOLE_CLIENT_SECRET", "ANPR_OIDC_CONSOLE_CLIENT_SECRET")
    )
    ingest_url: str = Field(
        default="http://127.0.0.1:8101", validation_alias=_either("ANPR_CONSOLE_INGEST_URL", "ANPR_INGEST_URL")
    )
    rules_url: str = Field(
        default="http://127.0.0.1:8103", validation_alias=_either("ANPR_CONSOLE_RULES_URL", "ANPR_RULES_URL")
    )
    exemptions_url: str = Field(
        default="http://127.0.0.1:8104", validation_alias=_either("ANPR_CONSOLE_EXEMPTIONS_URL", "ANPR_EXEMPTIONS_URL")
    )
    notices_url: str = Field(
        default="http://127.0.0.1:8105", validation_alias=_either("ANPR_CONSOLE_NOTICES_URL", "ANPR_NOTICES_URL")
    )
    # A session ends after this long without a request, and in any case after session_max_hours.
    session_idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    session_max_hours: int = Field(default=10, ge=1, le=24 * 7)
    # The permit counter (/loket): applicants sign in at the applicants' issuer (ANPR_PUBLIC_OIDC_ISSUER, the
    # DigiD/eHerkenning stand-in) as this client. An empty issuer: the counter says sign-in is not configured.
    public_client_id: str = Field(
        default="anpr-loket",
        validation_alias=_either("ANPR_CONSOLE_PUBLIC_CLIENT_ID", "ANPR_PUBLIC_OIDC_CONSOLE_CLIENT_ID"),
    )
    public_client_secret: SecretStr = Field(
        default=SecretStr(""),
        validation_alias=_either("ANPR_CONSOLE_PUBLIC_CLIENT_SECRET", "ANPR_PUBLIC_OIDC_CONSOLE_CLIENT_SECRET"),
    )
    # Requests per address and minute on the counter's sign-in and form posts (the pages anyone can reach).
    loket_posts_per_minute: int = Field(default=30, ge=1, le=10_000)
    # The counter's prices are exemptions' (ANPR_EXEMPTIONS_COUNTER fees_cents), read from its API: no setting here.
    review_queue_size: int = Field(default=50, ge=1, le=500)
    upstream_timeout_seconds: float = Field(default=10.0, gt=0)

    @property
    def secure_cookies(self) -> bool:
        """Secure cookies need https; a developer's console on http://127.0.0.1 would lose its session."""
        return self.environment != "development"

    @property
    def redirect_uri(self) -> str:
        return f"{self.public_url.rstrip('/')}/auth/callback"

    @property
    def loket_redirect_uri(self) -> str:
        return f"{self.public_url.rstrip('/')}/loket/auth/callback"

    def named_secrets(self) -> dict[str, str]:
        found = super().named_secrets()
        if self.oidc_issuer:
            found["ANPR_OIDC_CONSOLE_CLIENT_SECRET"] = self.client_secret.get_secret_value()
        if self.public_oidc_issuer:
            found["ANPR_PUBLIC_OIDC_CONSOLE_CLIENT_SECRET"] = self.public_client_secret.get_secret_value()
        return found
