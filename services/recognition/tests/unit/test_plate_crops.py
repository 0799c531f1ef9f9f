import random

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from anpr_recognition.adapters.plate_crops import plate_crop
from anpr_recognition.adapters.synthetic.plates import EU_BLUE, WHITE, PlateStyle, render_plate


def _on_grey(plate: Image.Image, margin: int = 40) -> tuple[NDArray[np.uint8], tuple[int, int, int, int]]:
    canvas = Image.new("RGB", (plate.width + 2 * margin, plate.height + 2 * margin), (60, 60, 60))
    canvas.paste(plate, (margin, margin))
    return np.asarray(canvas), (margin, margin, margin + plate.width, margin + plate.height)


def _blue_share(pixels: NDArray[np.uint8]) -> float:
    blue = (pixels[..., 2] > 120) & (pixels[..., 0] < 60) & (pixels[..., 1] < 100)
    return float(blue.mean())


def test_the_eu_band_of_a_dutch_plate_is_painted_over() -> None:
    rgb, box = _on_grey(render_plate("72-VGX-6", PlateStyle()))
    crop = plate_crop(rgb, box)
    assert crop.yellow
    assert _blue_share(np.asarray(rgb)[box[1] : box[3], box[0] : box[2]]) > 0.04
    assert _blue_share(crop.line) < 0.005


def test_a_white_foreign_plate_keeps_its_characters_and_loses_its_band() -> None:
    rgb, box = _on_grey(render_plate("1-ABC-234", PlateStyle(WHITE, (150, 20, 20), "B")))
    crop = plate_crop(rgb, box)
    assert not crop.yellow
    assert _blue_share(crop.line) < 0.005
    ink = (crop.line[..., 0] > 110) & (crop.line[..., 1] < 60)  # the red characters are all still there
    assert ink.sum() > 0.9 * ((np.asarray(rgb)[..., 0] > 110) & (np.asarray(rgb)[..., 1] < 60)).sum()


def test_a_blue_plate_is_not_mistaken_for_its_band() -> None:
    rgb, box = _on_grey(render_plate("85-GJ-45", PlateStyle(EU_BLUE, (240, 240, 240), None)))
    crop = plate_crop(rgb, box)
    assert _blue_share(crop.line) > 0.3


def test_a_partly_boxed_yellow_plate_is_grown_to_its_full_width() -> None:
    rgb, box = _on_grey(render_plate("56-JTT-5", PlateStyle()))
    right_half = ((box[0] + box[2]) // 2, box[1] + 5, box[2], box[3] - 5)
    crop = plate_crop(rgb, right_half)
    assert crop.box[0] <= box[0] + (box[2] - box[0]) * 0.15  # up to the band, which is not yellow
    assert crop.box[2] >= box[2] - 2


def test_a_two_line_plate_is_laid_out_as_one_line() -> None:
    rgb, box = _on_grey(render_plate("MX-12-BB", PlateStyle(two_lines=True)))
    crop = plate_crop(rgb, box)
    height, width = crop.line.shape[:2]
    assert width > 2.5 * height


def test_crops_stay_inside_the_frame() -> None:
    rng = random.Random(1)
    rgb, _ = _on_grey(render_plate("72-VGX-6", PlateStyle()), margin=0)
    for _ in range(20):
        x0, y0 = rng.randrange(0, rgb.shape[1] - 20), rng.randrange(0, rgb.shape[0] - 10)
        crop = plate_crop(rgb, (x0, y0, x0 + 20, y0 + 10))
        assert crop.line.size > 0
        assert 0 <= crop.box[0] < crop.box[2] <= rgb.shape[1]


def test_the_band_sign_is_kept_apart_for_the_country() -> None:
    rgb, box = _on_grey(render_plate("1-ABC-234", PlateStyle(WHITE, (150, 20, 20), "B")))
    crop = plate_crop(rgb, box)
    assert crop.band is not None
    height, width = crop.band.shape[:2]
    assert width < height * 1.5  # the band's width, not the plate's
    # Turned dark on light for the recogniser: the sign's white letter is the dark part, the blue the light.
    dark, light = (crop.band.max(axis=2) < 60).mean(), (crop.band.min(axis=2) > 120).mean()
    assert dark > 0.02
    assert light > 0.5


def test_a_plate_without_band_has_no_sign() -> None:
    rgb, box = _on_grey(render_plate("AB-12-34", PlateStyle(band_letters=None)))
    assert plate_crop(rgb, box).band is None
