"""The recognition service: frames in, plate reads out (ONNX detector + OCR, plate grammar).

Its public face: what the CLI, tools and tests outside the service may use. Nothing outside imports a
submodule (checked by import-linter in `make lint`)."""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from anpr_recognition.adapters.images import ImageDecodeError, Pixels, decode_rgb
    from anpr_recognition.adapters.model_files import default_cache_dir, package_file
    from anpr_recognition.adapters.onnx_reader import OnnxPlateReader
    from anpr_recognition.adapters.recogniser import ctc_characters
    from anpr_recognition.adapters.synthetic.dataset import Sample, synthetic_samples
    from anpr_recognition.adapters.synthetic.european import EUROPEAN_COUNTRIES, EuropeanPlate, european_plate_over
    from anpr_recognition.bootstrap import SPEC
    from anpr_recognition.config import RecognitionSettings
    from anpr_recognition.domain.frame_size import DEFAULT_MAX_PIXELS
    from anpr_recognition.domain.passages import edit_distance
    from anpr_recognition.domain.plates import PlateReading, format_dutch, guess_country, normalise
    from anpr_recognition.entrypoints.api import create_app

# Each loaded when first asked for: `anpr read` needs the reader alone, and the service's web app,
# database and Kafka wiring imported with it cost a second or more of CPU at every start.
_HOMES = {
    "EUROPEAN_COUNTRIES": "anpr_recognition.adapters.synthetic.european",
    "EuropeanPlate": "anpr_recognition.adapters.synthetic.european",
    "european_plate_over": "anpr_recognition.adapters.synthetic.european",
    "ImageDecodeError": "anpr_recognition.adapters.images",
    "Pixels": "anpr_recognition.adapters.images",
    "decode_rgb": "anpr_recognition.adapters.images",
    "default_cache_dir": "anpr_recognition.adapters.model_files",
    "package_file": "anpr_recognition.adapters.model_files",
    "OnnxPlateReader": "anpr_recognition.adapters.onnx_reader",
    "ctc_characters": "anpr_recognition.adapters.recogniser",
    "Sample": "anpr_recognition.adapters.synthetic.dataset",
    "synthetic_samples": "anpr_recognition.adapters.synthetic.dataset",
    "SPEC": "anpr_recognition.bootstrap",
    "RecognitionSettings": "anpr_recognition.config",
    "DEFAULT_MAX_PIXELS": "anpr_recognition.domain.frame_size",
    "edit_distance": "anpr_recognition.domain.passages",
    "PlateReading": "anpr_recognition.domain.plates",
    "format_dutch": "anpr_recognition.domain.plates",
    "guess_country": "anpr_recognition.domain.plates",
    "normalise": "anpr_recognition.domain.plates",
    "create_app": "anpr_recognition.entrypoints.api",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value  # once: later look-ups find it without coming here
    return value


__all__ = [
    "DEFAULT_MAX_PIXELS",
    "EUROPEAN_COUNTRIES",
    "SPEC",
    "EuropeanPlate",
    "ImageDecodeError",
    "OnnxPlateReader",
    "Pixels",
    "PlateReading",
    "RecognitionSettings",
    "Sample",
    "create_app",
    "ctc_characters",
    "decode_rgb",
    "default_cache_dir",
    "edit_distance",
    "european_plate_over",
    "format_dutch",
    "guess_country",
    "normalise",
    "package_file",
    "synthetic_samples",
]
