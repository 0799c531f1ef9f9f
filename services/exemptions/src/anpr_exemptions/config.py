from datetime import time

from pydantic import Field
from pydantic_settings import SettingsConfigDict

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
