from typing import Literal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from anpr_runtime.settings import ServiceSettings


class RecognitionSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ANPR_RECOGNITION_", frozen=True, extra="ignore")

    port: int = 8102
    # Dev set on 2 cores: 7.0 frames/s with 1 thread, 8.0 with 2 (threads do not spin, see onnx_reader).
    # More cores: more instances in the consumer group (frames have 3 partitions) beat more threads.
    onnx_threads: int | None = None  # None: ONNX Runtime picks (all cores)
    detector_precision: Literal["int8", "fp32"] = "int8"
    # Frames of one fetched batch read per call into the models (the recogniser runs once over all their
    # plates); 1 reads frame by frame.
    batch_frames: int = Field(default=8, ge=1, le=64)
    min_confidence: float = 0.0  # below this a reading is dropped as noise
    # Reads of one vehicle at one camera within this many seconds are one passage and one published read;
    # 0 publishes every frame's reads at once.
    passage_window_seconds: float = 2.0
    # A passage also closes when no read has been added to it for this long (processing time): the last
    # vehicle before a quiet spell. Longer than the time between two frames of a camera being handled.
    passage_idle_seconds: float = 4.0
    passage_poll_seconds: float = 0.25
