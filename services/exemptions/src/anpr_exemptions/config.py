from datetime import time

from pydantic import Field
from pydantic_settings import SettingsConfigDict

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
