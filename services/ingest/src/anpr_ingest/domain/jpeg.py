"""JPEG checks without decoding the whole image: magic bytes and a frame header with a size."""

import struct

from anpr_runtime import PermanentError


class InvalidFrame(PermanentError):
    status_code = 415


class FrameTooLarge(PermanentError):
    status_code = 413


JPEG_MEDIA_TYPE = "image/jpeg"

_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def check_media_type(content_type: str | None) -> None:
    """Checked before the body is read: a gateway set up to send another format is told so plainly."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type != JPEG_MEDIA_TYPE:
        raise InvalidFrame(f"Content-Type must be {JPEG_MEDIA_TYPE}, got {content_type or 'none'!r}")


def jpeg_dimensions(data: bytes, max_bytes: int) -> tuple[int, int]:
    """Width and height from the first start-of-frame segment; raises for anything else."""
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
