"""JPEG checks without decoding the whole image: magic bytes and a frame header with a size.

The size in the header is what a decoder will allocate: a JPEG of under 1 MB can declare 13000x13000
pixels (about 500 MB once decoded to RGB), so a frame is refused on its declared pixel count, before
anything decodes it.
"""

import struct

from anpr_runtime import PermanentError


class InvalidFrame(PermanentError):
    status_code = 415


class FrameTooLarge(PermanentError):
    status_code = 413


class FrameTooManyPixels(FrameTooLarge):
    """The header declares more pixels than the limit: refused unread (a decompression bomb or a misconfigured
    camera), counted in camera health as too large."""


JPEG_MEDIA_TYPE = "image/jpeg"
# 25 MP takes any ANPR camera (4K UHD is 8.3 MP, the largest industrial sensors 24 MP) and decodes to
# 75 MB of RGB; a 13000x13000 bomb would need 500 MB.
DEFAULT_MAX_PIXELS = 25_000_000

_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def check_media_type(content_type: str | None) -> None:
    """Checked before the body is read: a gateway set up to send another format is told so plainly."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type != JPEG_MEDIA_TYPE:
        raise InvalidFrame(f"Content-Type must be {JPEG_MEDIA_TYPE}, got {content_type or 'none'!r}")


def jpeg_dimensions(data: bytes, max_bytes: int, max_pixels: int = DEFAULT_MAX_PIXELS) -> tuple[int, int]:
    """Width and height from the first start-of-frame segment; raises for anything else, and for more
    than `max_pixels` declared pixels."""
    width, height = _declared_size(data, max_bytes)
    if width * height > max_pixels:
        raise FrameTooManyPixels(
            f"frame declares {width}x{height} = {width * height} pixels, limit is {max_pixels} pixels"
        )
    return width, height


def _declared_size(data: bytes, max_bytes: int) -> tuple[int, int]:
    if len(data) > max_bytes:
        raise FrameTooLarge(f"frame is {len(data)} bytes, limit is {max_bytes}")
    if not data.startswith(b"\xff\xd8"):
        raise InvalidFrame("body is not a JPEG (no SOI marker)")
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            raise InvalidFrame(f"corrupt JPEG: expected a marker at byte {position}")
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        if marker in _SOF_MARKERS:
            if position + 9 > len(data):
                break
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            if width == 0 or height == 0:
                raise InvalidFrame("JPEG header has a zero dimension")
            return width, height
        position += 2 + length
    raise InvalidFrame("truncated JPEG: no frame header found")
