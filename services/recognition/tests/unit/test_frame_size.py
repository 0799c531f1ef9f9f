"""The size a frame declares is read from its JPEG header, without decoding; a frame over the limit is
refused before Pillow decodes a pixel of it."""

import io
import struct

import pytest
from PIL import Image

from anpr_recognition.adapters.images import FrameTooLarge, ImageDecodeError, decode_rgb
from anpr_recognition.domain.frame_size import declared_pixels, declared_size


def a_jpeg(width: int, height: int, **options: object) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (10, 200, 10)).save(buffer, "JPEG", **options)
    return buffer.getvalue()


def declaring(width: int, height: int, data: bytes | None = None) -> bytes:
    """A real JPEG whose frame header says another size, cut after that header (a bomb's first bytes)."""
    data = data or a_jpeg(64, 48)
    sof = data.index(b"\xff\xc0") if b"\xff\xc0" in data else data.index(b"\xff\xc2")
    return data[: sof + 5] + struct.pack(">HH", height, width) + data[sof + 9 :]


@pytest.mark.parametrize(("width", "height"), [(64, 48), (1920, 1080), (1, 1)])
def test_a_real_jpeg_declares_its_size(width: int, height: int) -> None:
    assert declared_size(a_jpeg(width, height)) == (width, height)


def test_a_progressive_jpeg_with_exif_declares_its_size() -> None:
    exif = Image.Exif()
    exif[0x010F] = "camera maker " * 30
    assert declared_size(a_jpeg(320, 200, progressive=True, exif=exif.tobytes())) == (320, 200)


@pytest.mark.parametrize("data", [b"", b"\xff\xd8", b"GIF89a", b"\xff\xd8\xff\xe0\x00", b"\xff\xd8\x00\x00\x00\x00"])
def test_no_size_without_a_frame_header(data: bytes) -> None:
    assert declared_size(data) is None
    assert declared_pixels(data) is None


def test_a_frame_declaring_too_many_pixels_is_refused_from_its_header() -> None:
    bomb = declaring(13000, 13000)[:200]  # cut short: decoding it would fail as truncated, not as too large
    with pytest.raises(FrameTooLarge, match="13000x13000 = 169000000 pixels, limit is 25000000") as refused:
        decode_rgb(bomb, max_pixels=25_000_000)
    assert not refused.value.retriable
    assert isinstance(refused.value, ValueError), "the consumer's policy dead-letters it"


def test_a_frame_within_the_limit_decodes() -> None:
    assert decode_rgb(a_jpeg(64, 48), max_pixels=64 * 48).shape == (48, 64, 3)
    with pytest.raises(FrameTooLarge):
        decode_rgb(a_jpeg(64, 48), max_pixels=64 * 48 - 1)


def test_without_a_limit_a_bad_frame_is_still_a_decode_error() -> None:
    with pytest.raises(ImageDecodeError):
        decode_rgb(b"\xff\xd8\xff\xe0 not really")
