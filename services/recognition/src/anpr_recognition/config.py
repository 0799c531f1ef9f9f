from typing import Literal

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from anpr_recognition.domain.frame_size import DEFAULT_ALONE_ABOVE_PIXELS, DEFAULT_MAX_PIXELS
from anpr_runtime.settings import ServiceSettings


class RecognitionSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ANPR_RECOGNITION_", frozen=True, extra="ignore")

    port: int = 8102
    # Frames of a batch read side by side, each on one ONNX Runtime thread (less CPU per frame than one frame
    # on several threads, see onnx_reader); a frame read alone uses one core. More cores: more instances in
    # the consumer group (frames have 3 partitions) beat more threads.
    onnx_threads: int | None = None  # None: every core this process may use
    detector_precision: Literal["int8", "fp32"] = "int8"
    # Frames of one fetched batch read per call into the models (the recogniser runs once over all their
    # plates); 1 reads frame by frame.
    batch_frames: int = Field(default=8, ge=1, le=64)
    # Frames declaring more pixels (JPEG header, read before decoding) are dead-lettered unread: a JPEG of
    # under 1 MB can declare 170 megapixels, 500 MB decoded. 25 MP takes any ANPR camera (4K UHD is 8.3 MP)
    # and decodes to 75 MB of RGB. Ingest refuses such frames too (ANPR_INGEST_MAX_FRAME_PIXELS); this
    # catches what reaches the topic another way.
    max_frame_pixels: int = Field(default=DEFAULT_MAX_PIXELS, ge=1)
    # Frames declaring more pixels than this are read one at a time, never in a batch of `batch_frames`
    # (4K UHD by default: a batch of 8 of those is 200 MB of RGB).
    batch_max_frame_pixels: int = Field(default=DEFAULT_ALONE_ABOVE_PIXELS, ge=1)
    min_confidence: float = 0.0  # below this a reading is dropped as noise
    # Reads of one vehicle at one camera within this many seconds are one passage and one published read;
    # 0 publishes every frame's reads at once.
    passage_window_seconds: float = 2.0
    # A passage also closes when no read has been added to it for this long (processing time): the last
    # vehicle before a quiet spell. Longer than the time between two frames of a camera being handled.
    passage_idle_seconds: float = 4.0
    passage_poll_seconds: float = 0.25
