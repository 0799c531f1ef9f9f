"""European plates rendered over the plate of a real frame: the scene (car, street, light, the camera's
own blur and noise) stays real, only the plate is replaced, in perspective on the labelled box, then
dirt, blur, tilt and night as in the synthetic frames. Texts follow each country's current format
(mostly) and older formats still on the road."""

import io
import random
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from anpr_recognition.adapters.synthetic.plates import WHITE, YELLOW, PlateStyle, render_plate
from anpr_recognition.adapters.synthetic.scenes import Conditions, dirty, lighting
from anpr_recognition.adapters.synthetic.texts import dutch_text
from anpr_recognition.domain.european_formats import PlateFormat, european_formats

Box = tuple[int, int, int, int]
Pixels = NDArray[np.uint8]

EUROPEAN_COUNTRIES = ("NL", "BE", "DE", "FR", "PL", "IT", "ES", "AT", "CZ", "SK", "HR", "RO", "GB", "LU", "DK", "CH")
_DIN = "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf"  # nearest free face to DIN 1451
_FONTS = (
    _DIN,
    "/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Bold.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
)
_RED_INK = (150, 20, 20)
_DANISH_RED = (170, 30, 30)
# The formats issued today, drawn most of the time; the others of the country stay on the road for years.
_CURRENT = {
    "BE": "N-XXX-999", "FR": "XX-999-XX", "IT": "XX 999XX", "ES": "9999 XXX",
    "SK": "LL-999XX", "GB": "XX99 XXX", "DK": "XX 99 999", "LU": "XX 9999", "CZ": "NX9 9999",
}  # fmt: skip
_CURRENT_SHARE = 0.7
_TWO_LINE_SHARE = 0.15
_ERASE_MARGIN = 0.12  # labelled boxes are tight: the rim of the old plate lies just outside
_SQUARE_WIDTH = 0.55  # a square plate (about 280 mm) beside a one-line one (520 mm)
_TWO_LINE_ASPECT = 3.0
_HARD_SHARE = 0.5
_HOLDER = 0.04  # of the plate's size, each way
_LENS_SIGMA = 0.8  # pixels
_TILT_DEGREES = 4.0


@dataclass(frozen=True)
class EuropeanPlate:
    jpeg: bytes
    box: Box
    text: str
    printed: str
    country: str


def european_text(country: str, rng: random.Random) -> tuple[str, str]:
    """A plate text of the country and how it is printed."""
    if country == "NL":
        return dutch_text(rng.randint(1, 11), rng)
    formats = [f for f in european_formats() if f.country == country]
    current = [f for f in formats if f.printed == _CURRENT.get(country)]
    chosen: PlateFormat = current[0] if current and rng.random() < _CURRENT_SHARE else rng.choice(formats)
    text = "".join(rng.choice(sorted(slot)) for slot in chosen.slots)
    return text, chosen.format_text(text)


def european_style(country: str, rng: random.Random) -> PlateStyle:
    band = {"NL": "NL", "GB": "UK", "CH": None}.get(country, _band_sign(country))
    background = YELLOW if country in ("NL", "LU") or (country == "GB" and rng.random() < 0.5) else WHITE
    if country == "GB" and rng.random() < 0.5:
        band = None  # the UK sign is optional since 2021
    ink = _RED_INK if country == "BE" else (15, 15, 15)
    border = _RED_INK if country == "BE" else _DANISH_RED if country == "DK" else None
    return PlateStyle(
        background,
        ink,
        band,
        two_lines=rng.random() < _TWO_LINE_SHARE,
        font_path=rng.choice(_FONTS),
        border=border,
    )


def _band_sign(country: str) -> str:
    signs = {"AT": "A", "BE": "B", "DE": "D", "ES": "E", "FR": "F", "IT": "I", "LU": "L"}
    return signs.get(country, country)


def european_plate_over(jpeg: bytes, box: Box, country: str, rng: random.Random) -> EuropeanPlate:
    """The frame with the plate in `box` replaced by a rendered plate of `country`."""
    np_rng = np.random.default_rng(rng.getrandbits(32))
    frame = _without_plate(np.asarray(Image.open(io.BytesIO(jpeg)).convert("RGB"), dtype=np.uint8), box)
    text, printed = european_text(country, rng)
    style = european_style(country, rng)
    # Half of them hard (more blur, noise, night and dirt): a set the recogniser reads perfectly says little.
    conditions = Conditions.random(rng, hard=rng.random() < _HARD_SHARE)
    plate = dirty(np.asarray(render_plate(printed, style), dtype=np.uint8), conditions.dirt, np_rng)
    corners = _corners(box, plate.shape[1] / plate.shape[0], conditions.skew, frame.shape, np_rng)
    new_box = _paste(frame, plate, corners)
    frame = lighting(frame, new_box, conditions, np_rng)
    if conditions.blur > 0.05:
        frame = np.asarray(cv2.GaussianBlur(frame, (0, 0), conditions.blur), dtype=np.uint8)
    noisy = frame.astype(np.float32) + np_rng.normal(0, conditions.noise, frame.shape)
    out = io.BytesIO()
    Image.fromarray(noisy.clip(0, 255).astype(np.uint8)).save(out, format="JPEG", quality=conditions.jpeg_quality)
    return EuropeanPlate(out.getvalue(), new_box, text, printed, country)


def _corners(
    box: Box, aspect: float, skew: float, shape: tuple[int, ...], rng: np.random.Generator
) -> NDArray[np.float32]:
    """Where the old plate was, at its size: a one-line plate as wide as its box, a two-line (square)
    plate about half as wide, as real ones are; tilted a little and jittered in perspective."""
    x0, y0, x1, y1 = box
    width = (x1 - x0) * (_SQUARE_WIDTH if aspect < _TWO_LINE_ASPECT else 1.0)
    height = width / aspect
    centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2], dtype=np.float32)
    half = np.array([[-width, -height], [width, -height], [width, height], [-width, height]], np.float32) / 2
    angle = np.deg2rad(rng.uniform(-_TILT_DEGREES, _TILT_DEGREES))
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]], np.float32)
    jitter = rng.uniform(-1, 1, (4, 2)) * [skew * width, skew * height * 2]
    corners = centre + half @ rotation.T + jitter
    frame_height, frame_width = shape[:2]
    return np.clip(corners, 0, [frame_width - 1, frame_height - 1]).astype(np.float32)


def _without_plate(frame: Pixels, box: Box) -> Pixels:
    """The old plate painted out from its surroundings (the bumper, the holder), so none of it shows
    beside a new plate of another shape."""
    x0, y0, x1, y1 = box
    grow_x, grow_y = round((x1 - x0) * _ERASE_MARGIN), round((y1 - y0) * _ERASE_MARGIN)
    mask = np.zeros(frame.shape[:2], np.uint8)
    mask[max(0, y0 - grow_y) : y1 + grow_y, max(0, x0 - grow_x) : x1 + grow_x] = 255
    return np.asarray(cv2.inpaint(frame, mask, 5, cv2.INPAINT_TELEA), dtype=np.uint8)


def _paste(frame: Pixels, plate: Pixels, corners: NDArray[np.float32]) -> Box:
    height, width = plate.shape[:2]
    source = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, corners)
    size = (frame.shape[1], frame.shape[0])
    # A dark holder around the plate, as on most cars (and as the detector learnt plates in that context).
    centre = corners.mean(axis=0)
    holder = centre + (corners - centre) * np.array([1 + _HOLDER, 1 + 3 * _HOLDER], np.float32)
    cv2.fillConvexPoly(frame, holder.round().astype(np.int32), (25, 25, 25))
    warped = cv2.warpPerspective(plate, matrix, size, flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((height, width), 255, np.uint8), matrix, size)
    # The camera's optics soften a real plate as much as its surroundings: a drawn one is sharper.
    warped = np.asarray(cv2.GaussianBlur(warped, (0, 0), _LENS_SIGMA), dtype=np.uint8)
    frame[mask > 127] = warped[mask > 127]
    x0, y0 = corners.min(axis=0)
    x1, y1 = corners.max(axis=0)
    return int(x0), int(y0), int(x1), int(y1)
