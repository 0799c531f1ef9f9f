"""Settings of the metrics every service exports (the metrics themselves live beside the code they count:
consumer.py, lag.py, http.py and each service's handlers)."""

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class MetricSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ANPR_METRICS_", frozen=True, extra="ignore")

    # How often consumer lag is measured: a few requests to the broker per assigned partition each time.
    lag_interval_seconds: float = Field(default=5.0, gt=0)


__all__ = ["MetricSettings"]
