"""The detector graph the reader runs, built once per source model and recipe into the model cache.

int8 calibration uses synthetic frames from our own generator (fixed seed), so the build is reproducible
from the installed packages alone: no data set is needed or shipped."""

import os
import random
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from anpr_recognition.adapters.detector import letterbox
from anpr_recognition.adapters.detector_graph import RECIPE, quantise_int8, to_float32_heads
from anpr_recognition.adapters.images import decode_rgb
from anpr_recognition.adapters.model_files import DETECTOR_PACKAGE, default_cache_dir, digest, package_file

Precision = Literal["fp32", "int8"]
_CALIBRATION_FRAMES = 64
_CALIBRATION_SEED = 20260301
_EDGE_RECIPE = 16  # calibration frames are letterboxed as the detector adapter does; bump with it


def prepared_detector(precision: Precision, cache_dir: Path | None = None) -> Path:
    source = package_file(*DETECTOR_PACKAGE)
    cache = cache_dir or default_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    stem = f"platedet-{digest(source)}-{RECIPE}"
    float_model = cache / f"{stem}-fp32.onnx"
    if not float_model.exists():
        _build(float_model, lambda target: to_float32_heads(source, target))
    if precision == "fp32":
        return float_model
    int8_model = cache / f"{stem}-int8-synthetic{_CALIBRATION_FRAMES}-avg-edge{_EDGE_RECIPE}.onnx"
    if not int8_model.exists():
        _build(int8_model, lambda target: quantise_int8(float_model, target, calibration_tensors()))
    return int8_model


def _build(target: Path, write: Callable[[Path], None]) -> None:
    # Written beside the target and renamed: a second process building at the same time never reads half a file.
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex}.partial")
    try:
        write(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def calibration_tensors() -> Iterator[NDArray[np.float32]]:
    from anpr_recognition.adapters.synthetic.dataset import synthetic_samples

    for sample in synthetic_samples(_CALIBRATION_FRAMES, random.Random(_CALIBRATION_SEED), hard=True):
        yield letterbox(decode_rgb(sample.jpeg))[0]


if __name__ == "__main__":  # builds the cache ahead of a deployment
    for precision in ("fp32", "int8"):
        print(prepared_detector(precision))
