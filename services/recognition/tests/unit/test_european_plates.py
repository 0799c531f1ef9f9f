"""European plates end to end: rendered (adapters/synthetic/european), read by the real models, and
the European set's renders over a real frame."""

import io
import random
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from anpr_recognition.adapters.onnx_reader import OnnxPlateReader
from anpr_recognition.adapters.synthetic.dataset import synthetic_samples
from anpr_recognition.adapters.synthetic.european import european_plate_over, european_style, european_text
from anpr_recognition.adapters.synthetic.scenes import Conditions, synthetic_frame

FRAMES = Path(__file__).parents[4] / "deploy/demo/frames"
CLEAR = Conditions(plate_width=220, skew=0.02, blur=0.3, noise=2.0)


@pytest.fixture(scope="module")
def reader() -> OnnxPlateReader:
    return OnnxPlateReader.from_installed_packages()


@pytest.mark.parametrize("country", ["DE", "FR", "PL", "IT", "BE", "CZ"])
def test_a_clear_plate_reads_in_its_own_country_format(reader: OnnxPlateReader, country: str) -> None:
    rng = random.Random(country)
    text, printed = european_text(country, rng)
    # One line: on a two-line plate the band's sign lands mid-text when the crop's lines are laid side
    # by side, which decoding cannot tell from a character (a known gap of the crop, not of the formats).
    style = replace(european_style(country, random.Random(1)), two_lines=False)
    jpeg, box = synthetic_frame(printed, style, CLEAR, rng)
    [reading] = reader.read_boxes(jpeg, [box])
    assert reading is not None
    assert reading.text == text
    # Every Italian plate is a French one as well: without a legible band France, the commoner, is named.
    assert reading.country in ({country, "FR"} if country == "IT" else {country})
    assert reading.plate_format is not None
    assert reading.plate_format.startswith(f"{reading.country}:")


def test_a_render_over_a_real_frame_is_the_same_for_the_same_seed_and_stays_in_the_frame() -> None:
    jpeg = (FRAMES / "c12_28.jpg").read_bytes()
    first = european_plate_over(jpeg, (381, 324, 610, 373), "DK", random.Random(3))
    again = european_plate_over(jpeg, (381, 324, 610, 373), "DK", random.Random(3))
    assert first == again
    width, height = Image.open(io.BytesIO(first.jpeg)).size
    x0, y0, x1, y1 = first.box
    assert 0 <= x0 < x1 < width
    assert 0 <= y0 < y1 < height
    assert first.country == "DK"


def test_a_european_share_of_synthetic_frames_holds_other_countries() -> None:
    samples = list(synthetic_samples(12, random.Random(4), european_share=1.0))
    assert all(sample.country != "NL" for sample in samples)
    assert len({sample.country for sample in samples}) > 3
