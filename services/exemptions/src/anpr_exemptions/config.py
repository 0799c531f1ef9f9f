from pydantic_settings import SettingsConfigDict

from anpr_runtime.settings import ServiceSettings


class ExemptionsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ANPR_EXEMPTIONS_", frozen=True, extra="ignore")

    port: int = 8104
