"""From a detector box to the line image the recogniser reads.

- Yellow plates (Dutch) are grown to the extent of their yellow: the detector sometimes boxes only part of
  a large or close plate, and a missing edge character cannot be decoded back.
- The blue EU band is painted over with the plate's own colour, so its country letters and stars never
  become characters (its colour gives it away; night frames without colour keep it, and the grammar then
  has to pay for any character it adds). Its lower half, the country's sign, is kept to be read apart,
  turned dark on light: the recogniser reads white letters on blue poorly, one-letter signs above all
  (on the synthetic European set the signs named 35 countries right and 2 wrong of 133 bands as they
  were, 46 right and none wrong inverted and cut below the ring of stars).
- Two-line plates (motorcycles, square plates) are cut into their lines, laid side by side."""

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from anpr_recognition.adapters.images import Pixels

Box = tuple[int, int, int, int]

_MARGIN = 0.1  # PP-OCR drops edge characters on tight crops
_YELLOW_HUE = (12, 38)  # OpenCV hue scale 0-180
_BLUE_HUE = (95, 130)
_MIN_SATURATION, _MIN_VALUE = 80, 60
_YELLOW_PLATE = 0.25  # share of yellow pixels in the box that makes it a yellow plate
_YELLOW_COLUMN = 0.2  # a column still belongs to the plate with this much yellow (characters cover the rest)
_BAND_COLUMN = 0.3
_BAND_START = 0.15  # the band starts in the crop's margin or just after it
_BAND_WIDTH = 0.6  # and is narrow: about 0.4 of a one-line plate's height (the crop has margins)
_SIGN_TOP = 0.55  # the country's sign fills the lower half of the band, the ring of stars reaches below 0.45
_TWO_LINE_ASPECT = 2.0  # one-line plates are about 4.7 wide per unit of height, two-line ones 1.2-2


@dataclass(frozen=True)
class PlateCrop:
    line: Pixels  # RGB, one line of text
    box: Box  # the plate in the frame, after growing
    yellow: bool
    band: Pixels | None = None  # the lower part of the EU band, where the country's sign is


def plate_crop(rgb: Pixels, box: Box) -> PlateCrop:
    # Colour work only around the plate (as far as it may grow), not on the whole frame.
    x0, y0, x1, y1 = box
    left, top = max(0, x0 - 2 * (x1 - x0)), max(0, y0 - (y1 - y0))
    right, bottom = min(rgb.shape[1], x1 + 2 * (x1 - x0)), min(rgb.shape[0], y1 + (y1 - y0))
    hsv: Pixels = np.asarray(cv2.cvtColor(np.ascontiguousarray(rgb[top:bottom, left:right]), cv2.COLOR_RGB2HSV))
    local = (x0 - left, y0 - top, x1 - left, y1 - top)
    yellow = _in_hue(hsv, _YELLOW_HUE)
    is_yellow = bool(yellow[local[1] : local[3], local[0] : local[2]].mean() >= _YELLOW_PLATE)
    if is_yellow:
        local = _grow(yellow, local)
    box = (local[0] + left, local[1] + top, local[2] + left, local[3] + top)
    crop, crop_hsv = _with_margin(rgb, box), _with_margin(hsv, local)
    band = _band_columns(crop_hsv)
    sign = None
    if band is not None:
        sign = _dark_on_light(crop[int(crop.shape[0] * _SIGN_TOP) :, max(0, band[0] - 1) : band[1] + 2])
        crop = crop.copy()
        crop[:, : band[1] + 1] = _background(crop)
    height, width = crop.shape[:2]
    if width < _TWO_LINE_ASPECT * height:
        crop = _side_by_side(crop)
    return PlateCrop(crop, box, is_yellow, sign)


def _in_hue(hsv: Pixels, hues: tuple[int, int]) -> NDArray[np.bool_]:
    hue, saturation, value = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    return (hue >= hues[0]) & (hue <= hues[1]) & (saturation >= _MIN_SATURATION) & (value >= _MIN_VALUE)


def _grow(yellow: NDArray[np.bool_], box: Box) -> Box:
    x0, y0, x1, y1 = box
    # A thick stroke of a tall character can leave a column with little yellow: bridge gaps that narrow.
    gap = max(2, (y1 - y0) // 3)
    columns = yellow[y0:y1].mean(axis=0) >= _YELLOW_COLUMN
    x0, x1 = _extend(columns, x0, x1 - 1, limit=x1 - x0, gap=gap)
    rows = yellow[:, x0 : x1 + 1].mean(axis=1) >= _YELLOW_COLUMN
    y0, y1 = _extend(rows, y0, y1 - 1, limit=(y1 - y0) // 2, gap=1)
    return x0, y0, x1 + 1, y1 + 1


def _extend(inside: NDArray[np.bool_], start: int, end: int, limit: int, gap: int) -> tuple[int, int]:
    """Move both ends outwards over lines that are inside, across gaps of up to `gap` lines that are not,
    at most `limit` each way."""
    lowest, highest = max(0, start - limit), min(len(inside) - 1, end + limit)
    start = start - _run_length(inside[lowest:start][::-1], gap)
    end = end + _run_length(inside[end + 1 : highest + 1], gap)
    return start, end


def _run_length(inside: NDArray[np.bool_], gap: int) -> int:
    """How far a run of inside lines reaches from the start of `inside`, bridging short gaps."""
    reach, missing = 0, 0
    for index, flag in enumerate(inside.tolist()):
        if flag:
            reach, missing = index + 1, 0
        else:
            missing += 1
            if missing > gap:
                break
    return reach


def _with_margin(pixels: Pixels, box: Box) -> Pixels:
    x0, y0, x1, y1 = box
    margin_x, margin_y = round((x1 - x0) * _MARGIN), round((y1 - y0) * _MARGIN)
    height, width = pixels.shape[:2]
    return pixels[max(0, y0 - margin_y) : min(height, y1 + margin_y), max(0, x0 - margin_x) : min(width, x1 + margin_x)]


def _band_columns(crop_hsv: Pixels) -> tuple[int, int] | None:
    """First and last column of the EU band, if the crop has one."""
    blue = _in_hue(crop_hsv, _BLUE_HUE)
    height, width = crop_hsv.shape[:2]
    if blue[:, width // 4 : 3 * width // 4].mean() >= _BAND_COLUMN / 2:
        return None  # a blue plate (or a blue-lit one): its band cannot be told apart by colour
    columns = blue.mean(axis=0) >= _BAND_COLUMN
    start = int(np.argmax(columns[: max(1, int(width * _BAND_START))]))
    if not columns[start]:
        return None
    # The plate's rim can cut through the band: bridge a few columns.
    end = start + _run_length(columns[start:], gap=max(2, width // 50)) - 1
    if end - start + 1 > height * _BAND_WIDTH:
        return None
    return start, end


def _dark_on_light(pixels: Pixels) -> Pixels:
    grey = 255 - cv2.cvtColor(np.ascontiguousarray(pixels), cv2.COLOR_RGB2GRAY)
    return np.ascontiguousarray(np.repeat(grey[..., np.newaxis], 3, axis=2))


def _background(crop: Pixels) -> NDArray[np.uint8]:
    # The plate's own colour: the median of its brighter half (characters are the dark part).
    pixels = crop.reshape(-1, 3)
    brightness = pixels.sum(axis=1)
    colour: NDArray[np.uint8] = np.median(pixels[brightness >= np.median(brightness)], axis=0).astype(np.uint8)
    return colour


def _side_by_side(crop: Pixels) -> Pixels:
    height = crop.shape[0]
    overlap = height // 20
    top, bottom = crop[: height // 2 + overlap], crop[height // 2 - overlap :]
    rows = min(len(top), len(bottom))
    return np.ascontiguousarray(np.concatenate([top[:rows], bottom[:rows]], axis=1))
