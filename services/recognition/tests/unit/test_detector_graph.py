"""The rewritten detector (fp32 and int8 raw heads, numpy decode, 4:3 letterbox) finds the plates the
shipped fp16 graph finds, in the same places."""

from pathlib import Path

import onnxruntime as ort
import pytest

from anpr_bench.naive_reader import NaivePlateReader
from anpr_recognition.adapters.detector import PlateDetector
from anpr_recognition.adapters.images import decode_rgb
from anpr_recognition.adapters.prepared_models import prepared_detector

FRAMES = Path(__file__).parents[4] / "deploy/demo/frames"


def _iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    overlap = max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))
    return overlap / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - overlap)


@pytest.mark.parametrize("precision", ["fp32", "int8"])
def test_rewritten_detector_agrees_with_the_shipped_one(precision: str) -> None:
    naive = NaivePlateReader.from_installed_packages(threads=1)
    path = prepared_detector("int8" if precision == "int8" else "fp32")
    detector = PlateDetector(ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]))
    for image in sorted(FRAMES.glob("*.jpg")):
        rgb = decode_rgb(image.read_bytes())
        shipped = [d for d in naive._detect(rgb) if d.score >= 0.5]
        ours = detector.detect(rgb)
        for expected in shipped:
            best = max(ours, key=lambda d: _iou(d.box, expected.box), default=None)
            assert best is not None, image.name
            assert _iou(best.box, expected.box) > 0.85, image.name
            # Not bit-equal: the frame is letterboxed to 640x512, not 640x640, and int8 rounds.
            assert abs(best.score - expected.score) < (0.08 if precision == "fp32" else 0.2), image.name


def test_the_int8_graph_is_a_quarter_of_the_fp32_one() -> None:
    assert prepared_detector("int8").stat().st_size < 0.3 * prepared_detector("fp32").stat().st_size
