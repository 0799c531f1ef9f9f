import io

import pytest
from PIL import Image

from anpr_ingest.domain.jpeg import (
    DEFAULT_MAX_PIXELS,
    FrameTooLarge,
    FrameTooManyPixels,
    InvalidFrame,
    check_media_type,
    jpeg_dimensions,
)
from anpr_runtime import PermanentError

LIMIT = 1024 * 1024


def a_jpeg(width: int = 64, height: int = 48, **options: object) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "JPEG", **options)
    return buffer.getvalue()


def start_of_frame(data: bytes) -> int:
    return data.index(b"\xff\xc0") if b"\xff\xc0" in data else data.index(b"\xff\xc2")


@pytest.mark.parametrize(("width", "height"), [(64, 48), (1920, 1080), (1, 1), (480, 640)])
def test_real_jpeg_gives_its_width_and_height(width: int, height: int) -> None:
    assert jpeg_dimensions(a_jpeg(width, height), LIMIT) == (width, height)


def test_progressive_jpeg_gives_its_dimensions() -> None:
    assert jpeg_dimensions(a_jpeg(320, 200, progressive=True), LIMIT) == (320, 200)


def test_jpeg_with_exif_segment_before_the_frame_header() -> None:
    exif = Image.Exif()
    exif[0x010F] = "ANPR camera maker " * 20
    assert jpeg_dimensions(a_jpeg(100, 50, exif=exif.tobytes()), LIMIT) == (100, 50)


def test_jpeg_of_exactly_the_limit_is_accepted() -> None:
    data = a_jpeg()
    assert jpeg_dimensions(data, len(data)) == (64, 48)


def test_frame_over_the_limit_is_too_large_413() -> None:
    data = a_jpeg()
    with pytest.raises(FrameTooLarge, match="limit") as caught:
        jpeg_dimensions(data, len(data) - 1)
    assert caught.value.status_code == 413
    assert not caught.value.retriable


def test_size_is_checked_before_the_content() -> None:
    with pytest.raises(FrameTooLarge):
        jpeg_dimensions(b"not a jpeg at all", 4)


def a_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("data", [b"", b"\xff", b"GIF89a....", a_png(), b"\xd8\xff\xe0"])
def test_non_jpeg_is_invalid_415(data: bytes) -> None:
    with pytest.raises(InvalidFrame) as caught:
        jpeg_dimensions(data, LIMIT)
    assert caught.value.status_code == 415
    assert isinstance(caught.value, PermanentError)


def test_jpeg_cut_before_the_frame_header_is_invalid() -> None:
    data = a_jpeg()
    with pytest.raises(InvalidFrame, match="truncated"):
        jpeg_dimensions(data[: start_of_frame(data)], LIMIT)


def test_jpeg_cut_inside_the_frame_header_is_invalid() -> None:
    data = a_jpeg()
    with pytest.raises(InvalidFrame, match="truncated"):
        jpeg_dimensions(data[: start_of_frame(data) + 7], LIMIT)


def test_only_the_soi_marker_is_invalid() -> None:
    with pytest.raises(InvalidFrame):
        jpeg_dimensions(b"\xff\xd8", LIMIT)


def test_garbage_where_a_marker_should_be_is_invalid() -> None:
    data = a_jpeg()
    corrupt = data[:2] + b"\x00" + data[3:]
    with pytest.raises(InvalidFrame, match="corrupt"):
        jpeg_dimensions(corrupt, LIMIT)


def test_zero_height_in_the_header_is_invalid() -> None:
    data = bytearray(a_jpeg())
    sof = start_of_frame(bytes(data))
    data[sof + 5 : sof + 7] = b"\x00\x00"
    with pytest.raises(InvalidFrame, match="zero"):
        jpeg_dimensions(bytes(data), LIMIT)


@pytest.mark.parametrize("content_type", ["image/jpeg", "IMAGE/JPEG", "image/jpeg; charset=binary", " image/jpeg "])
def test_jpeg_media_type_is_accepted(content_type: str) -> None:
    check_media_type(content_type)


@pytest.mark.parametrize("content_type", [None, "", "image/png", "application/octet-stream", "image/jpg"])
def test_other_media_type_is_unsupported_415(content_type: str | None) -> None:
    with pytest.raises(InvalidFrame, match="Content-Type must be image/jpeg") as caught:
        check_media_type(content_type)
    assert caught.value.status_code == 415


def declaring(width: int, height: int) -> bytes:
    """A real JPEG whose frame header is rewritten to declare another size (what a decompression bomb does)."""
    data = bytearray(a_jpeg())
    sof = start_of_frame(bytes(data))
    data[sof + 5 : sof + 9] = height.to_bytes(2, "big") + width.to_bytes(2, "big")
    return bytes(data)


def test_frame_declaring_more_pixels_than_the_limit_is_refused_413_naming_the_limit() -> None:
    with pytest.raises(FrameTooManyPixels, match=r"13000x13000 = 169000000 pixels, limit is 25000000") as caught:
        jpeg_dimensions(declaring(13000, 13000), LIMIT, 25_000_000)
    assert caught.value.status_code == 413
    assert isinstance(caught.value, FrameTooLarge), "counted in camera health as too large"


def test_the_pixel_limit_is_on_by_default_and_takes_a_4k_frame() -> None:
    assert jpeg_dimensions(declaring(3840, 2160), LIMIT) == (3840, 2160)
    with pytest.raises(FrameTooManyPixels):
        jpeg_dimensions(declaring(13000, 13000), LIMIT)
    assert DEFAULT_MAX_PIXELS == 25_000_000


def test_a_frame_of_exactly_the_pixel_limit_is_accepted() -> None:
    assert jpeg_dimensions(declaring(5000, 5000), LIMIT, 25_000_000) == (5000, 5000)
    with pytest.raises(FrameTooManyPixels):
        jpeg_dimensions(declaring(5000, 5001), LIMIT, 25_000_000)


def test_pixels_are_judged_from_the_header_alone() -> None:
    """Nothing after the frame header is needed (so nothing is decoded): a body cut right after it is refused
    for its pixels, not as truncated."""
    data = declaring(13000, 13000)
    with pytest.raises(FrameTooManyPixels):
        jpeg_dimensions(data[: start_of_frame(data) + 9], LIMIT)
