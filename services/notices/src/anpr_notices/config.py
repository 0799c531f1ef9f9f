from pydantic_settings import SettingsConfigDict

from anpr_runtime.settings import ServiceSettings


class NoticesSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ANPR_NOTICES_", frozen=True, extra="ignore")

    port: int = 8105
