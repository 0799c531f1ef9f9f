"""Frame decoding shared by the readers: bytes in, upright RGB pixels out, or a permanent error."""

import io

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps

Pixels = NDArray[np.uint8]
_JPEG_START = b"\xff\xd8\xff"


class ImageDecodeError(ValueError):
    """The frame is no decodable image: retrying cannot help, so the consumer dead-letters it."""

    retriable = False


def ensure_jpeg(data: bytes) -> None:
    """Frames are JPEG by contract: another format is a gateway's fault to report, not to guess around."""
    if not data.startswith(_JPEG_START):
        raise ImageDecodeError(f"not a JPEG frame ({len(data)} bytes, starting {data[:4].hex() or 'empty'})")


def decode_rgb(data: bytes) -> Pixels:
    try:
        with Image.open(io.BytesIO(data)) as image:
            # Phone photos store rotation in EXIF; boxes must refer to the image as it is shown.
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise ImageDecodeError(f"not a decodable image ({len(data)} bytes): {error}") from error
    return np.asarray(upright, dtype=np.uint8)
