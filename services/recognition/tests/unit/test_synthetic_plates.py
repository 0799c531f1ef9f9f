"""Decoding on synthetic plates: the whole image path (crop, band, recogniser, grammar) for every
sidecode, two-line plates, foreign plates, and hard conditions."""

import random

import pytest

from anpr_recognition.adapters.onnx_reader import OnnxPlateReader
from anpr_recognition.adapters.synthetic.dataset import synthetic_samples
from anpr_recognition.adapters.synthetic.plates import WHITE, PlateStyle
from anpr_recognition.adapters.synthetic.scenes import Conditions, synthetic_frame
from anpr_recognition.adapters.synthetic.texts import FOREIGN_FORMATS, dutch_text, foreign_text
from anpr_recognition.domain.plates import DUTCH_SIDECODES, dutch_sidecode

CLEAR = Conditions(plate_width=200, skew=0.03, blur=0.4, noise=3.0)


@pytest.fixture(scope="module")
def reader() -> OnnxPlateReader:
    return OnnxPlateReader.from_installed_packages()


@pytest.mark.parametrize("sidecode", sorted(DUTCH_SIDECODES))
def test_every_sidecode_is_read_and_formatted(reader: OnnxPlateReader, sidecode: int) -> None:
    rng = random.Random(sidecode)
    text, printed = dutch_text(sidecode, rng)
    jpeg, box = synthetic_frame(printed, PlateStyle(), CLEAR, rng)
    [reading] = reader.read_boxes(jpeg, [box])
    assert reading is not None
    assert (reading.text, reading.formatted, reading.country) == (text, printed, "NL")
    assert dutch_sidecode(reading.text) == sidecode
    assert 0.0 <= reading.confidence <= 1.0


def test_a_two_line_dutch_plate_is_read(reader: OnnxPlateReader) -> None:
    rng = random.Random(4)
    text, printed = dutch_text(7, rng)
    jpeg, box = synthetic_frame(printed, PlateStyle(two_lines=True), CLEAR, rng)
    [reading] = reader.read_boxes(jpeg, [box])
    assert reading is not None
    assert reading.text == text


@pytest.mark.parametrize("country", sorted(FOREIGN_FORMATS))
def test_foreign_plates_are_not_called_dutch(reader: OnnxPlateReader, country: str) -> None:
    rng = random.Random(country)
    _text, printed = foreign_text(country, rng)
    style = PlateStyle(WHITE, (15, 15, 15), FOREIGN_FORMATS[country][1])
    jpeg, box = synthetic_frame(printed, style, CLEAR, rng)
    [reading] = reader.read_boxes(jpeg, [box])
    assert reading is None or reading.country in {country, None}  # the band's sign, when it could be read


def test_most_foreign_plates_are_named_by_their_band(reader: OnnxPlateReader) -> None:
    named = 0
    for seed in range(3):
        for country in sorted(FOREIGN_FORMATS):
            rng = random.Random(f"{country}{seed}")
            _, printed = foreign_text(country, rng)
            jpeg, box = synthetic_frame(
                printed, PlateStyle(WHITE, (15, 15, 15), FOREIGN_FORMATS[country][1]), CLEAR, rng
            )
            [reading] = reader.read_boxes(jpeg, [box])
            assert reading is not None
            # Another country only where the band was not legible and the text fits that country's
            # format (this generator's KM WU 080 is no German plate, German numbers never start with 0).
            assert reading.country in {country, None} or str(reading.plate_format).startswith(f"{reading.country}:")
            named += reading.country == country
    assert named >= 8  # measured 10 of 12 by the band; 11 of 12 with the formats


def test_most_plates_under_hard_conditions_are_read(reader: OnnxPlateReader) -> None:
    samples = list(synthetic_samples(40, random.Random(99), hard=True))
    readings = [reader.read_boxes(sample.jpeg, [sample.box])[0] for sample in samples]
    right = sum(1 for s, r in zip(samples, readings, strict=True) if r is not None and r.text == s.text)
    # Measured 36-38 of 40 (night, glare, blur, small plates); the bar leaves room for numeric drift.
    assert right >= 32
    wrong_dutch = [r for s, r in zip(samples, readings, strict=True) if r and r.country == "NL" and s.country != "NL"]
    assert len(wrong_dutch) <= 1
