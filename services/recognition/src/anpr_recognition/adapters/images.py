"""Frame decoding shared by the readers: bytes in, upright RGB pixels out, or a permanent error.

The declared size is checked before Pillow sees the frame: Pillow's own limit (MAX_IMAGE_PIXELS) only
warns below 179 megapixels, and a warned-about bomb is still decoded.
"""

import io
import threading

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps

from anpr_recognition.domain.frame_size import declared_size

Pixels = NDArray[np.uint8]
_JPEG_START = b"\xff\xd8\xff"


class ImageDecodeError(ValueError):
    """The frame is no decodable image: retrying cannot help, so the consumer dead-letters it."""

    retriable = False


class FrameTooLarge(ImageDecodeError):
    """The frame declares more pixels than recognition decodes: refused unread, so it goes to the dead
    letters with this reason instead of taking the process's memory."""


def ensure_jpeg(data: bytes) -> None:
    """Frames are JPEG by contract: another format is a gateway's fault to report, not to guess around."""
    if not data.startswith(_JPEG_START):
        raise ImageDecodeError(f"not a JPEG frame ({len(data)} bytes, starting {data[:4].hex() or 'empty'})")


def ensure_decodable_size(width: int, height: int, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise FrameTooLarge(
            f"frame declares {width}x{height} = {width * height} pixels, "
            f"limit is {max_pixels} (ANPR_RECOGNITION_MAX_FRAME_PIXELS)"
        )


def ensure_frame_size(data: bytes, max_pixels: int) -> None:
    """Refuses a JPEG declaring more than `max_pixels` from its header; what has none is left to decoding."""
    if (size := declared_size(data)) is not None:
        ensure_decodable_size(*size, max_pixels)


def decode_rgb(data: bytes, max_pixels: int | None = None) -> Pixels:
    """With `max_pixels`, a frame declaring more is refused before it is decoded (the service's frames);
    without, Pillow's own limit applies (trusted files: samples, calibration sets)."""
    if max_pixels is not None:
        ensure_frame_size(data, max_pixels)
    try:
        with Image.open(io.BytesIO(data)) as image:
            if max_pixels is not None:  # open reads the header only: checked before anything is decoded
                ensure_decodable_size(image.width, image.height, max_pixels)
            # Phone photos store rotation in EXIF; boxes must refer to the image as it is shown.
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except FrameTooLarge:
        raise
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise ImageDecodeError(f"not a decodable image ({len(data)} bytes): {error}") from error
    return np.asarray(upright, dtype=np.uint8)


class Frame:
    """A frame decoded for detection: `pixels` at about 1/`scale` of the full resolution (1, 2, 4 or 8 by
    libjpeg's DCT scaling, far cheaper than a full decode and a resize); the full resolution is decoded only
    when asked for, once."""

    def __init__(self, data: bytes, pixels: Pixels, scale: float, full_size: tuple[int, int]) -> None:
        self.pixels = pixels
        self.scale = scale
        self.full_size = full_size  # (width, height), upright
        self._data = data
        self._full: Pixels | None = pixels if scale == 1 else None
        self._lock = threading.Lock()

    def full(self) -> Pixels:
        with self._lock:  # two plates of one frame may ask at once; it is decoded once
            if self._full is None:
                self._full = decode_rgb(self._data)
            return self._full


def decode_frame(data: bytes, long_side: int, max_pixels: int | None = None) -> Frame:
    """The frame with its long side at `long_side` pixels or more, scaled down by 2, 4 or 8 while decoding
    where that still leaves enough (the detector sees `long_side` pixels, never more); checks as decode_rgb."""
    if max_pixels is not None:
        ensure_frame_size(data, max_pixels)
    try:
        with Image.open(io.BytesIO(data)) as image:
            if max_pixels is not None:
                ensure_decodable_size(image.width, image.height, max_pixels)
            full_width, full_height = image.size
            shrink = long_side / max(full_width, full_height)
            if shrink <= 0.5:
                # libjpeg keeps at least the size asked for: the long side stays >= long_side.
                image.draft(None, (max(1, int(full_width * shrink)), max(1, int(full_height * shrink))))
            scale = full_width / image.width  # libjpeg rounds up: 1921 wide at 1/2 is 961
            reduced_size = image.size
            upright = ImageOps.exif_transpose(image).convert("RGB")
            full_size = (full_height, full_width) if upright.size != reduced_size else (full_width, full_height)
    except FrameTooLarge:
        raise
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise ImageDecodeError(f"not a decodable image ({len(data)} bytes): {error}") from error
    return Frame(data, np.asarray(upright, dtype=np.uint8), scale, full_size)
