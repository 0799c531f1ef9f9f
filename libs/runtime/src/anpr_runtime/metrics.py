"""Settings of the metrics every service exports (the metrics themselves live beside the code they count:
consumer.py, lag.py, http.py and each service's handlers), and metrics across HTTP worker processes."""

import atexit
import os
import shutil
import tempfile

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"


class MetricSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ANPR_METRICS_", frozen=True, extra="ignore")

    # How often consumer lag is measured: a few requests to the broker per assigned partition each time.
    lag_interval_seconds: float = Field(default=5.0, gt=0)


def share_between_workers(service: str, workers: int) -> None:
    """Before a server starts several worker processes: each would count only what it served itself, and a
    scrape would see whichever worker it reached. prometheus_client's multiprocess mode keeps every worker's
    values in files of one directory that /metrics sums (`http.exposition`). The workers must import
    prometheus_client after this (they are spawned), and the directory must be new (stale files would add
    an earlier run's counts). An operator's own PROMETHEUS_MULTIPROC_DIR is left as it is."""
    if workers <= 1 or os.environ.get(MULTIPROCESS_DIR):
        return
    directory = tempfile.mkdtemp(prefix=f"anpr-{service}-metrics-")
    os.environ[MULTIPROCESS_DIR] = directory
    atexit.register(shutil.rmtree, directory, ignore_errors=True)


__all__ = ["MULTIPROCESS_DIR", "MetricSettings", "share_between_workers"]
