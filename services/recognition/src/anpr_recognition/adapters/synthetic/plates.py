"""Renders plates with Pillow: Dutch yellow plates (black characters, blue EU band with NL and stars) and
white foreign plates, one or two lines. Fonts are the condensed bold sans faces Debian ships, the closest
free match to the Dutch 'kenteken' typeface; without them Pillow's own font is used."""

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

YELLOW = (247, 196, 0)
WHITE = (236, 236, 230)
EU_BLUE = (0, 51, 153)
STAR_YELLOW = (255, 204, 0)
_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf",
)
_PLATE_HEIGHT = 110  # pixels at which a plate is drawn; 520 x 110 mm is the Dutch one-line size


@dataclass(frozen=True)
class PlateStyle:
    background: tuple[int, int, int] = YELLOW
    ink: tuple[int, int, int] = (15, 15, 15)
    band_letters: str | None = "NL"  # None: no EU band
    two_lines: bool = False
    font: int = 0  # index into the available fonts
    font_path: str | None = None  # a font file instead (European plates); the default if it is missing
    border: tuple[int, int, int] | None = None  # the rim's colour, the ink's if None


@cache
def _font(index: int, size: int, path: str | None = None) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if path is not None and Path(path).is_file():
        return ImageFont.truetype(path, size)
    available = [path for path in _FONTS if Path(path).is_file()]
    if not available:
        return ImageFont.load_default(size)
    return ImageFont.truetype(available[index % len(available)], size)


def render_plate(printed: str, style: PlateStyle) -> Image.Image:
    lines = _split_lines(printed) if style.two_lines else [printed]
    height = _PLATE_HEIGHT * (2 if style.two_lines else 1) - (20 if style.two_lines else 0)
    width = round(height * (1.6 if style.two_lines else 520 / 110))
    plate = Image.new("RGB", (width, height), style.background)
    draw = ImageDraw.Draw(plate)
    band = 0
    if style.band_letters is not None:
        band = round(_PLATE_HEIGHT * 0.42)
        _draw_band(draw, band, height, style.band_letters)
    line_height = (height - 16) / len(lines)
    for row, line in enumerate(lines):
        _draw_line(draw, line, (band + 8, 8 + row * line_height, width - 8, 8 + (row + 1) * line_height), style)
    draw.rectangle((1, 1, width - 2, height - 2), outline=style.border or style.ink, width=3)
    return plate


def _split_lines(printed: str) -> list[str]:
    # Two-line plates keep the first group on top, the rest below (as Dutch motorcycle plates do).
    first, _, rest = printed.partition("-")
    return [first, rest] if rest else [printed[: len(printed) // 2], printed[len(printed) // 2 :]]


def _draw_band(draw: ImageDraw.ImageDraw, band: int, height: int, letters: str) -> None:
    draw.rectangle((0, 0, band, height), fill=EU_BLUE)
    centre_x, centre_y, radius = band / 2, height * 0.33, band * 0.3
    for star in range(12):
        angle = 2 * math.pi * star / 12
        x, y = centre_x + radius * math.cos(angle), centre_y + radius * math.sin(angle)
        draw.ellipse((x - 2.5, y - 2.5, x + 2.5, y + 2.5), fill=STAR_YELLOW)
    font = _font(0, round(_PLATE_HEIGHT * 0.3))
    draw.text((centre_x, height * 0.8), letters, fill=(255, 255, 255), font=font, anchor="mm")


def _draw_line(
    draw: ImageDraw.ImageDraw, line: str, area: tuple[float, float, float, float], style: PlateStyle
) -> None:
    x0, y0, x1, y1 = area
    size = round((y1 - y0) * 1.05)
    font = _font(style.font, size, style.font_path)
    while size > 10 and draw.textlength(line, font=font) > (x1 - x0) * 0.9:
        size -= 2
        font = _font(style.font, size, style.font_path)
    draw.text(((x0 + x1) / 2, (y0 + y1) / 2), line, fill=style.ink, font=font, anchor="mm")
