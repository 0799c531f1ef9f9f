"""The size a JPEG frame declares in its header, read without decoding it.

A decoder allocates what the header declares: a JPEG of under 1 MB can declare 13000x13000 pixels (some
500 MB of RGB). Recognition refuses such frames and reads large ones alone, on this number.
"""

import struct

# Any ANPR camera fits (4K UHD is 8.3 MP, the largest industrial sensors 24 MP); 75 MB of RGB decoded.
DEFAULT_MAX_PIXELS = 25_000_000
# 4K UHD: a batch of 8 such frames decodes to 200 MB of RGB; larger frames are read one at a time.
DEFAULT_ALONE_ABOVE_PIXELS = 3840 * 2160

# Start-of-frame markers (baseline, extended, progressive, lossless, hierarchical, arithmetic).
_SOF_MARKERS = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


def declared_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of the first start-of-frame segment; None when there is none to read (not a JPEG,
    cut short): the decoder then refuses the frame on its own."""
    if not data.startswith(b"\xff\xd8"):
        return None
    position = 2
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            return None
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker in _SOF_MARKERS:
            if position + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return width, height
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        position += 2 + length
    return None


def declared_pixels(data: bytes) -> int | None:
    size = declared_size(data)
    return None if size is None else size[0] * size[1]
