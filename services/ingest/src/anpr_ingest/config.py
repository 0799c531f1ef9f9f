from pydantic import Field
from pydantic_settings import SettingsConfigDict

from anpr_ingest.domain.jpeg import DEFAULT_MAX_PIXELS
from anpr_runtime.settings import ServiceSettings


class IngestSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ANPR_INGEST_", frozen=True, extra="ignore")

    port: int = 8101
    # Processes serving HTTP (each with its own producer, pools and caches; all state is shared through
    # PostgreSQL and Kafka). Frames are CPU-bound in Python: one worker per core the box can spare.
    http_workers: int = Field(default=1, ge=1, le=64)
    max_frame_bytes: int = 4 * 1024 * 1024 - 64 * 1024
    # Pixels a frame's JPEG header may declare, checked before anything decodes it: a JPEG of under 1 MB
    # can declare 170 megapixels (500 MB decoded) and kill recognition for memory (see domain/jpeg.py for
    # the default). Keep it at or below recognition's ANPR_RECOGNITION_MAX_FRAME_PIXELS.
    max_frame_pixels: int = Field(default=DEFAULT_MAX_PIXELS, ge=1)
    max_clock_skew_seconds: float = 300.0
    max_frame_age_seconds: float = Field(default=24 * 3600.0, gt=0)
    # How long a request waits for Kafka's acknowledgement before answering 503.
    publish_timeout_seconds: float = Field(default=5.0, gt=0)
    max_batch_reads: int = Field(default=1000, ge=1)
    # POST /v1/reads and /v1/reads/batch bodies (reads may carry base64 JPEG evidence): refused with 413.
    max_json_body_bytes: int = Field(default=32 * 1024 * 1024, ge=64 * 1024)
    # A revoked camera token keeps working on other instances for at most this long (0: no cache).
    token_cache_seconds: float = Field(default=5.0, ge=0)
    # Refused tokens per client address (an IPv6 /64): this many at once, then this many a minute; past
    # that 429 without a look-up, and not counted against the camera named (domain/throttle.py).
    refused_tokens_burst: int = Field(default=20, ge=1)
    refused_tokens_per_minute: float = Field(default=6.0, gt=0)
    health_retention_days: float = Field(default=7.0, gt=1)
    # Camera health is counted in memory and written this often (what a crash can lose of the counters).
    health_flush_seconds: float = Field(default=1.0, gt=0)
    # A camera moved or a location changed through another instance takes effect here within this long.
    site_cache_seconds: float = Field(default=5.0, ge=0)
