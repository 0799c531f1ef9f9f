"""The recognition service: frames in, plate reads out (ONNX detector + OCR, plate grammar).

Its public face: what the CLI, tools and tests outside the service may use. Nothing outside imports a
submodule (checked by import-linter in `make lint`)."""

from anpr_recognition.adapters.images import ImageDecodeError, Pixels, decode_rgb
from anpr_recognition.adapters.model_files import default_cache_dir, package_file
from anpr_recognition.adapters.onnx_reader import OnnxPlateReader
from anpr_recognition.adapters.recogniser import ctc_characters
from anpr_recognition.adapters.synthetic.dataset import Sample, synthetic_samples
from anpr_recognition.adapters.synthetic.european import EUROPEAN_COUNTRIES, EuropeanPlate, european_plate_over
from anpr_recognition.bootstrap import SPEC
from anpr_recognition.config import RecognitionSettings
from anpr_recognition.domain.passages import edit_distance
from anpr_recognition.domain.plates import PlateReading, format_dutch, guess_country, normalise
from anpr_recognition.entrypoints.api import create_app

__all__ = [
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
