from pydantic_settings import SettingsConfigDict

from anpr_runtime.settings import ServiceSettings


class RecognitionSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ANPR_RECOGNITION_", frozen=True, extra="ignore")

    port: int = 8102
    onnx_threads: int | None = None  # None: ONNX Runtime picks (all cores)
    min_confidence: float = 0.0  # below this a reading is dropped as noise
