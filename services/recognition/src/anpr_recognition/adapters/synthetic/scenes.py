"""Synthetic camera frames: a rendered plate, warped in perspective onto a car-like scene, then degraded
(blur, noise, glare, night, dirt) and JPEG-compressed, with the plate's box as ground truth."""

import io
import random
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from anpr_recognition.adapters.synthetic.plates import PlateStyle, render_plate

Pixels = NDArray[np.uint8]
FRAME_SIZE = (640, 480)


@dataclass(frozen=True)
class Conditions:
    plate_width: int = 160  # pixels in the frame
    skew: float = 0.05  # corner jitter, as a fraction of the plate's height and width
    blur: float = 0.0  # Gaussian sigma in pixels
    noise: float = 3.0  # standard deviation, 0-255 scale
    glare: float = 0.0  # 0-1: strength of a bright spot over the plate
    night: bool = False
    dirt: int = 0  # dark specks on the plate
    jpeg_quality: int = 85

    @classmethod
    def random(cls, rng: random.Random, hard: bool = False) -> "Conditions":
        scale = 1.6 if hard else 1.0
        return cls(
            plate_width=rng.randint(70 if hard else 90, 260),
            skew=rng.uniform(0, 0.1 * scale),
            blur=rng.uniform(0, 1.0 * scale),
            noise=rng.uniform(1, 8 * scale),
            glare=rng.uniform(0, 0.6) if rng.random() < 0.2 * scale else 0.0,
            night=rng.random() < 0.15 * scale,
            dirt=rng.randint(0, 12) if rng.random() < 0.2 * scale else 0,
            jpeg_quality=rng.randint(55 if hard else 70, 95),
        )


def synthetic_frame(
    printed: str, style: PlateStyle, conditions: Conditions, rng: random.Random
) -> tuple[bytes, tuple[int, int, int, int]]:
    np_rng = np.random.default_rng(rng.getrandbits(32))
    plate = np.asarray(render_plate(printed, style), dtype=np.uint8)
    plate = dirty(plate, conditions.dirt, np_rng)
    corners = _corners(plate.shape[1] / plate.shape[0], conditions, np_rng)
    scene = _scene(np_rng, (*corners.min(axis=0), *corners.max(axis=0)))
    box = _paste(scene, plate, corners)
    scene = lighting(scene, box, conditions, np_rng)
    if conditions.blur > 0.05:
        scene = np.asarray(cv2.GaussianBlur(scene, (0, 0), conditions.blur), dtype=np.uint8)
    noisy = scene.astype(np.float32) + np_rng.normal(0, conditions.noise, scene.shape)
    out = io.BytesIO()
    Image.fromarray(noisy.clip(0, 255).astype(np.uint8)).save(out, format="JPEG", quality=conditions.jpeg_quality)
    return out.getvalue(), box


def _scene(rng: np.random.Generator, plate_box: tuple[float, float, float, float]) -> Pixels:
    """A street-like backdrop and the back of a car around where the plate goes: body, bumper, a dark
    plate holder, lights. The detector learnt plates in that context and ignores them on bare colour."""
    width, height = FRAME_SIZE
    top, bottom = rng.integers(60, 230, 3), rng.integers(30, 140, 3)
    ramp = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    scene = (top * (1 - ramp) + bottom * ramp) * np.ones((height, width, 3), np.float32)
    x0, y0, x1, y1 = plate_box
    plate_width, plate_height = x1 - x0, y1 - y0
    centre = (x0 + x1) / 2
    body = rng.integers(15, 220, 3).astype(np.float32)
    car = (int(centre - plate_width * rng.uniform(1.8, 2.6)), int(y0 - plate_height * rng.uniform(3, 7)))
    car_end = (int(centre + plate_width * rng.uniform(1.8, 2.6)), int(y1 + plate_height * rng.uniform(1.5, 3)))
    cv2.rectangle(scene, car, car_end, body.tolist(), -1)
    for side in (-1, 1):  # rear lights
        light = (int(centre + side * plate_width * 1.6), int(y0 - plate_height * 1.5))
        axes = (int(plate_width * 0.35), int(plate_height * 0.6))
        cv2.ellipse(scene, light, axes, 0, 0, 360, rng.integers(120, 255, 3).tolist(), -1)
    bumper_top = int(y0 - plate_height * rng.uniform(0.5, 1.2))
    cv2.rectangle(scene, (car[0], bumper_top), (car_end[0], car_end[1]), (body * rng.uniform(0.3, 0.8)).tolist(), -1)
    holder = (int(x0 - plate_width * 0.04), int(y0 - plate_height * 0.12))
    cv2.rectangle(scene, holder, (int(x1 + plate_width * 0.04), int(y1 + plate_height * 0.12)), (20, 20, 20), -1)
    texture = rng.normal(0, 6, (height // 8, width // 8, 3)).astype(np.float32)
    scene += cv2.resize(texture, (width, height), interpolation=cv2.INTER_CUBIC)
    return cv2.GaussianBlur(scene.clip(0, 255), (0, 0), 0.8).astype(np.uint8)


def _corners(aspect: float, conditions: Conditions, rng: np.random.Generator) -> NDArray[np.float32]:
    target_width = conditions.plate_width
    target_height = target_width / aspect
    frame_width, frame_height = FRAME_SIZE
    left = rng.uniform(10, frame_width - target_width - 10)
    top = rng.uniform(frame_height * 0.35, frame_height - target_height - 10)
    jitter_x, jitter_y = conditions.skew * target_width, conditions.skew * target_height * 2
    corners = np.array(
        [
            [left, top],
            [left + target_width, top],
            [left + target_width, top + target_height],
            [left, top + target_height],
        ],
        dtype=np.float32,
    )
    jitter = rng.uniform(-1, 1, (4, 2)) * [jitter_x, jitter_y]
    return (corners + jitter).astype(np.float32)


def _paste(scene: Pixels, plate: Pixels, corners: NDArray[np.float32]) -> tuple[int, int, int, int]:
    height, width = plate.shape[:2]
    source = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, corners.astype(np.float32))
    warped = cv2.warpPerspective(plate, matrix, FRAME_SIZE, flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((height, width), 255, np.uint8), matrix, FRAME_SIZE)
    scene[mask > 127] = warped[mask > 127]
    frame_width, frame_height = FRAME_SIZE
    x0, y0 = corners.min(axis=0)
    x1, y1 = corners.max(axis=0)
    return int(max(0, x0)), int(max(0, y0)), int(min(frame_width, x1)), int(min(frame_height, y1))


def dirty(plate: Pixels, specks: int, rng: np.random.Generator) -> Pixels:
    out = plate.copy()
    height, width = out.shape[:2]
    for _ in range(specks):
        centre = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        colour = rng.integers(40, 110, 3).tolist()
        cv2.circle(out, centre, int(rng.integers(1, 5)), colour, -1)
    return out


def lighting(scene: Pixels, box: tuple[int, int, int, int], conditions: Conditions, rng: np.random.Generator) -> Pixels:
    image = scene.astype(np.float32)
    if conditions.glare > 0:
        x0, y0, x1, y1 = box
        centre = (rng.uniform(x0, x1), rng.uniform(y0, y1))
        radius = (x1 - x0) * rng.uniform(0.15, 0.4)
        yy, xx = np.mgrid[: image.shape[0], : image.shape[1]]
        spot = np.exp(-(((xx - centre[0]) ** 2 + (yy - centre[1]) ** 2) / (2 * radius**2)))
        image += conditions.glare * 255 * spot[..., None]
    if conditions.night:
        # Night: dark, low contrast, and (as infrared cameras do) nearly without colour.
        grey = image.mean(axis=2, keepdims=True)
        image = (0.7 * grey + 0.3 * image) * rng.uniform(0.25, 0.5)
    return image.clip(0, 255).astype(np.uint8)
