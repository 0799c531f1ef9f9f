from pydantic import Field
from pydantic_settings import SettingsConfigDict

from anpr_notices.domain.retention import RetentionPolicy
from anpr_notices.domain.workflow import FourEyesPolicy
from anpr_runtime.auth import Role
from anpr_runtime.purpose import default_purposes
from anpr_runtime.settings import ServiceSettings


class NoticesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ANPR_NOTICES_", frozen=True, extra="ignore")

    port: int = 8105
    # Regime id -> when acceptance needs a second reviewer, as JSON, e.g.
    # ANPR_NOTICES_FOUR_EYES='{"milieuzone-centrum": {"below_confidence": 0.9, "first_offence": true}}'
    four_eyes: dict[str, FourEyesPolicy] = Field(default_factory=dict)
    # ANPR_NOTICES_RETENTION='{"rejected_days": 28, "issued_days": 1827}' (days; see domain/retention.py)
    retention: RetentionPolicy = RetentionPolicy()
    purge_interval_seconds: int = Field(default=3600, ge=0)  # 0: no background purge (tests drive it)
    # Base of the evidence URLs in exports; empty: the URL the export was requested at.
    public_url: str = ""
    # The X-Purpose values each role may give for reading candidates, evidence, exports, letters and
    # reminders, replacing the defaults whole: ANPR_NOTICES_PURPOSES='{"reviewer": ["review"], ...}'
    purposes: dict[Role, tuple[str, ...]] = Field(default_factory=default_purposes)
