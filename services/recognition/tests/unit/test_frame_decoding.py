"""Frames are decoded for the detector at reduced size where they are larger than it needs (libjpeg's DCT
scaling), the full resolution only on demand; the checks on bad input hold on this path as on decode_rgb."""

import io

import numpy as np
import pytest
from PIL import Image

from anpr_recognition.adapters.images import FrameTooLarge, ImageDecodeError, decode_frame


def a_jpeg(width: int, height: int, mode: str = "RGB", **options: object) -> bytes:
    buffer = io.BytesIO()
    # A gradient, so a decode at reduced size can be told from a cropped or blank one.
    ramp = np.linspace(0, 255, width, dtype=np.uint8)[None, :].repeat(height, axis=0)
    pixels = ramp if mode == "L" else np.stack([ramp, 255 - ramp, np.full_like(ramp, 90)], axis=2)
    Image.fromarray(pixels).save(buffer, "JPEG", **options)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("size", "reduced", "scale"),
    [
        ((640, 480), (640, 480), 1),
        ((1280, 960), (640, 480), 2),  # exactly the detector's long side
        ((1200, 900), (1200, 900), 1),  # 1/2 would leave less than the detector's long side
        ((1920, 1080), (960, 540), 2),
        ((3840, 2160), (960, 540), 4),
        ((1921, 1081), (961, 541), 1921 / 961),  # libjpeg rounds up
    ],
)
def test_a_frame_is_decoded_no_larger_than_the_detector_needs(
    size: tuple[int, int], reduced: tuple[int, int], scale: float
) -> None:
    frame = decode_frame(a_jpeg(*size), long_side=640)
    assert frame.pixels.shape == (reduced[1], reduced[0], 3)
    assert frame.scale == pytest.approx(scale)
    assert frame.full_size == size
    assert frame.full().shape == (size[1], size[0], 3)


def test_the_reduced_frame_shows_the_whole_picture() -> None:
    frame = decode_frame(a_jpeg(2560, 1440), long_side=640)
    left, right = frame.pixels[:, 5, 0].mean(), frame.pixels[:, -5, 0].mean()
    assert left < 20, "the gradient starts at the reduced frame's left edge"
    assert right > 235, "and runs to its right edge"


def test_an_upright_frame_from_exif_rotation_keeps_its_full_size_upright() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated 90 degrees: shown 1080 wide and 1920 high
    frame = decode_frame(a_jpeg(1920, 1080, exif=exif.tobytes()), long_side=640)
    assert frame.pixels.shape == (960, 540, 3)
    assert frame.full_size == (1080, 1920)
    assert frame.full().shape == (1920, 1080, 3)


def test_a_grey_frame_comes_out_rgb() -> None:
    frame = decode_frame(a_jpeg(1920, 1080, mode="L"), long_side=640)
    assert frame.pixels.shape == (540, 960, 3)


def test_a_frame_declaring_too_many_pixels_is_refused_before_decoding() -> None:
    with pytest.raises(FrameTooLarge, match="1920x1080 = 2073600 pixels, limit is 2000000"):
        decode_frame(a_jpeg(1920, 1080), long_side=640, max_pixels=2_000_000)


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_a_truncated_frame_is_a_decode_error_at_reduced_size_too(cut: float) -> None:
    data = a_jpeg(1920, 1080)
    with pytest.raises(ImageDecodeError, match="not a decodable image"):
        decode_frame(data[: int(len(data) * cut)], long_side=640)
