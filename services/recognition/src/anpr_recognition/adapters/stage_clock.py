"""Time spent in each stage of reading a frame, summed over the frames read, for `anpr bench recognition`.

Wall time says where a frame's latency goes; the thread's CPU time says where the work goes even on a
machine whose other processes take the cores (wall time there measures the neighbours as much as us).
ONNX Runtime runs each session on the calling thread (one intra-op thread, see onnx_reader), so its work is
in the thread's CPU time too."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

STAGES = ("decode", "detect", "crop", "recognise", "decode_ctc")


class StageClock:
    def __init__(self) -> None:
        self._lock = threading.Lock()  # frames are read on several threads at once
        self._wall = dict.fromkeys(STAGES, 0.0)
        self._cpu = dict.fromkeys(STAGES, 0.0)
        self._frames = 0

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            yield
        finally:
            wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
            with self._lock:
                self._wall[name] += wall
                self._cpu[name] += cpu

    def count_frames(self, frames: int) -> None:
        with self._lock:
            self._frames += frames

    def reset(self) -> None:
        with self._lock:
            self._wall = dict.fromkeys(STAGES, 0.0)
            self._cpu = dict.fromkeys(STAGES, 0.0)
            self._frames = 0

    def per_frame_ms(self, cpu: bool = False) -> dict[str, float]:
        """Milliseconds per frame read since the last reset, per stage (wall time, or the thread's CPU time)."""
        with self._lock:
            totals, frames = (self._cpu if cpu else self._wall), self._frames
        return {name: round(1000 * seconds / max(1, frames), 2) for name, seconds in totals.items()}
