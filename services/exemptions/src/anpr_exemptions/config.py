from datetime import time
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from anpr_exemptions.domain.counter import CounterPolicy
from anpr_exemptions.domain.retention import RetentionPolicy
from anpr_runtime.auth import Role
from anpr_runtime.purpose import default_purposes
from anpr_runtime.settings import ServiceSettings


class ExemptionsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ANPR_EXEMPTIONS_", frozen=True, extra="ignore")

    port: int = 8104
    # Whose ZE day-permit quota this deployment keeps (the quota is per vehicle per municipality per year).
    municipality: str = Field(default="demo", min_length=1, max_length=100)
    day_permits_per_year: int = Field(default=12, ge=0)
    day_permit_ends_next_day_at: time = time(6)
    import_max_rows: int = Field(default=5000, ge=1)
    import_max_bytes: int = Field(default=5_000_000, ge=1)
    # ANPR_EXEMPTIONS_RETENTION='{"expired_days": 365, "revoked_days": 365, "read_log_days": 365}'
    # (days after a permit ended / was revoked / a read; see domain/retention.py)
    retention: RetentionPolicy = RetentionPolicy()
    purge_interval_seconds: int = Field(default=3600, ge=0)  # 0: no background purge (tests drive it)
    # The X-Purpose values each role may give for reading permit data, replacing the defaults whole:
    # ANPR_EXEMPTIONS_PURPOSES='{"reviewer": ["review"], "permit_desk": ["permit_desk"], ...}'
    purposes: dict[Role, tuple[str, ...]] = Field(default_factory=default_purposes)
    # The permit counter (applications): ANPR_EXEMPTIONS_COUNTER='{"horizon_days": 60, ...}' (domain/counter.py).
    counter: CounterPolicy = CounterPolicy()
    # Status e-mails to applicants: the municipality's relay (locally the smtp component of deploy/local).
    smtp_host: str = Field(default="", validation_alias="ANPR_SMTP_HOST")  # empty: mails wait in the outbox
    smtp_port: int = Field(default=25, validation_alias="ANPR_SMTP_PORT")
    smtp_from: str = Field(default="vergunningen@gemeente.invalid", validation_alias="ANPR_SMTP_FROM")
    # none (local only), starttls, or tls (implicit, port 465)
    smtp_tls: Literal["none", "starttls", "tls"] = Field(default="starttls", validation_alias="ANPR_SMTP_TLS")
    smtp_username: str = Field(default="", validation_alias="ANPR_SMTP_USERNAME")
    smtp_password: SecretStr = Field(default=SecretStr(""), validation_alias="ANPR_SMTP_PASSWORD")
    outbox_interval_seconds: float = Field(default=5.0, ge=0)  # 0: no background sender (tests drive it)
    # The public pages' address, in status mails (the console's /loket).
    counter_url: str = "http://127.0.0.1:8106/loket"

    def _production_problems(self) -> list[str]:
        problems = super()._production_problems()
        if self.environment == "production" and self.smtp_host and self.smtp_tls == "none":
            problems.append("ANPR_SMTP_TLS=none sends applicants' addresses unencrypted: use starttls or tls")
        return problems
