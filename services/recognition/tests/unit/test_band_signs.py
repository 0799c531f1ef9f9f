"""One-letter signs on the EU band (L, D, F, E, A) are read, dark on light, by the real models: a
Luxembourg plate, yellow and shaped like Dutch sidecode 1, is named by its sign. Not every sign is
legible (on the synthetic European set 46 of 133 bands named their country, none a wrong one); a plate
whose sign is not stays Dutch."""

import random

import pytest

from anpr_recognition.adapters.onnx_reader import OnnxPlateReader
from anpr_recognition.adapters.synthetic.plates import WHITE, YELLOW, PlateStyle
from anpr_recognition.adapters.synthetic.scenes import Conditions, synthetic_frame

CLEAR = Conditions(plate_width=200, skew=0.02, blur=0.3, noise=2.0)


@pytest.fixture(scope="module")
def reader() -> OnnxPlateReader:
    return OnnxPlateReader.from_installed_packages(threads=1)


@pytest.mark.parametrize(
    ("printed", "sign", "background", "country", "formatted"),
    [
        ("GR 4821", "L", YELLOW, "LU", "GR 4821"),
        ("B MK 4127", "D", WHITE, "DE", "B MK 4127"),
        ("2841 KTZ", "E", WHITE, "ES", "2841 KTZ"),
    ],
)
def test_a_plate_is_named_by_its_one_letter_sign(
    reader: OnnxPlateReader, printed: str, sign: str, background: tuple[int, int, int], country: str, formatted: str
) -> None:
    jpeg, box = synthetic_frame(printed, PlateStyle(background, band_letters=sign), CLEAR, random.Random(printed))
    [reading] = reader.read_boxes(jpeg, [box])
    assert reading is not None
    assert (reading.country, reading.formatted) == (country, formatted)


def test_a_dutch_plate_of_the_same_shape_stays_dutch(reader: OnnxPlateReader) -> None:
    jpeg, box = synthetic_frame("GR-48-21", PlateStyle(YELLOW, band_letters="NL"), CLEAR, random.Random(3))
    [reading] = reader.read_boxes(jpeg, [box])
    assert reading is not None
    assert (reading.country, reading.formatted) == ("NL", "GR-48-21")
