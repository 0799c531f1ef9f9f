"""A plate that fills much of the frame (a close car, a zoomed camera) is missed by the detector's pass at
640 and found by its second, smaller look; a plate in an underexposed frame is found by the last look,
on the frame with its contrast normalised; a frame without a plate stays without a read."""

import io
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from anpr_recognition import OnnxPlateReader, decode_rgb
from anpr_recognition.adapters.detector import RETRY_LONG_SIDE, equalised

FRAMES = Path(__file__).parents[4] / "deploy/demo/frames"
# Real plates of the demo frames (their labelled boxes), cut out with a little of the car around them
# and enlarged to a whole 640x480 frame: the plate then spans about 60 % of the frame's width.
CLOSE_UPS = [("c3_1.jpg", (87, 375, 174, 403), "24LSB1"), ("c3_1.jpg", (513, 346, 602, 373), "89NVJP")]
_AROUND = 1.6


def _close_up(name: str, box: tuple[int, int, int, int]) -> bytes:
    rgb = decode_rgb((FRAMES / name).read_bytes())
    x0, y0, x1, y1 = box
    width = round((x1 - x0) * _AROUND)
    height = round(width * 0.75)
    left, top = (x0 + x1) // 2 - width // 2, (y0 + y1) // 2 - height // 2
    enlarged = cv2.resize(rgb[top : top + height, left : left + width], (640, 480))
    out = io.BytesIO()
    Image.fromarray(enlarged).save(out, format="JPEG", quality=92)
    return out.getvalue()


@pytest.fixture(scope="module")
def reader() -> OnnxPlateReader:
    return OnnxPlateReader.from_installed_packages(threads=1)


@pytest.mark.parametrize(("name", "box", "plate"), CLOSE_UPS)
def test_a_plate_filling_the_frame_is_found_by_the_second_look(
    reader: OnnxPlateReader, name: str, box: tuple[int, int, int, int], plate: str
) -> None:
    jpeg = _close_up(name, box)
    detector = reader._detector
    assert detector.detect_at(decode_rgb(jpeg), 640) == []  # what the single pass did
    assert [reading.text for reading in reader.read(jpeg)] == [plate]


# Demo frames at a tenth of their light (a night frame the camera exposed too short), with their plates.
UNDEREXPOSED = [
    ("c12_1.jpg", (315, 241, 423, 268)),
    ("c12_10.jpg", (274, 322, 522, 388)),
    ("c12_2.jpg", (354, 239, 487, 278)),
]


@pytest.mark.parametrize(("name", "box"), UNDEREXPOSED)
def test_a_plate_in_an_underexposed_frame_is_found_by_the_last_look(
    reader: OnnxPlateReader, name: str, box: tuple[int, int, int, int]
) -> None:
    dark = (decode_rgb((FRAMES / name).read_bytes()) * 0.1).astype(np.uint8)
    detector = reader._detector
    assert detector.detect_at(dark, 640) == []
    assert detector.detect_at(dark, RETRY_LONG_SIDE) == []
    assert [_overlaps(found.box, box) for found in detector.detect(dark)] == [True]


def _overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return max(a[0], b[0]) < min(a[2], b[2]) and max(a[1], b[1]) < min(a[3], b[3])


def test_a_frame_without_a_plate_gets_no_read_from_the_second_look(reader: OnnxPlateReader) -> None:
    # The road and bushes above the car of a demo frame: nothing a detector should call a plate.
    rgb = decode_rgb((FRAMES / "c3_1.jpg").read_bytes())
    empty = np.ascontiguousarray(rgb[:200])
    detector = reader._detector
    assert detector.detect(empty) == []
    assert detector.detect_at(empty, RETRY_LONG_SIDE) == []
    assert detector.detect_at(equalised(empty), 640) == []
