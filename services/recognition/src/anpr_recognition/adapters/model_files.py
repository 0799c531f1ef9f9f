"""Where the model files come from: the installed packages, never the network. The detector is rewritten
once into a cache directory (see `detector_graph`), keyed by the source file's digest and our recipe."""

import hashlib
import importlib.util
import os
from pathlib import Path

DETECTOR_PACKAGE = ("platedet", "artifacts/platedet.onnx")
RECOGNISER_PACKAGE = ("rapidocr", "models/PP-OCRv6_rec_small.onnx")


def package_file(package: str, relative_path: str) -> Path:
    # find_spec locates the package without importing it: only the model files are used, and importing
    # rapidocr_onnxruntime would pull in the GUI build of OpenCV, which this workspace replaces.
    spec = importlib.util.find_spec(package)
    locations = spec.submodule_search_locations if spec is not None else None
    if not locations:
        raise FileNotFoundError(f"package {package!r} is not installed")
    path = Path(next(iter(locations))) / relative_path
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing from the installed {package!r} package")
    return path


def default_cache_dir() -> Path:
    """Outside the repository: converted models are derived data, and the detector's own metadata declares
    AGPL-3.0 (Ultralytics YOLOv8), so its weights, converted or not, are not committed here."""
    configured = os.environ.get("ANPR_MODEL_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "anpr" / "models"


def digest(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()[:16]
