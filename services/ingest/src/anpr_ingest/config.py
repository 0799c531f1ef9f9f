from pydantic_settings import SettingsConfigDict

from anpr_runtime.settings import ServiceSettings


class IngestSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ANPR_INGEST_", frozen=True, extra="ignore")

    port: int = 8101
    max_frame_bytes: int = 4 * 1024 * 1024 - 64 * 1024
    max_clock_skew_seconds: float = 300.0
