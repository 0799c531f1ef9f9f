"""Labelled synthetic frames: every Dutch sidecode in turn, some two-line plates, some foreign plates."""

import random
from collections.abc import Iterator
from dataclasses import dataclass

from anpr_recognition.adapters.synthetic.european import EUROPEAN_COUNTRIES, european_style, european_text
from anpr_recognition.adapters.synthetic.plates import WHITE, PlateStyle
from anpr_recognition.adapters.synthetic.scenes import Conditions, synthetic_frame
from anpr_recognition.adapters.synthetic.texts import FOREIGN_FORMATS, dutch_text, foreign_text
from anpr_recognition.domain.plates import DUTCH_SIDECODES

_FOREIGN_SHARE = 0.2
_TWO_LINE_SHARE = 0.1


@dataclass(frozen=True)
class Sample:
    jpeg: bytes
    box: tuple[int, int, int, int]
    text: str
    printed: str
    country: str


def synthetic_samples(
    count: int, rng: random.Random, hard: bool = False, european_share: float = 0.0
) -> Iterator[Sample]:
    """`european_share`: that share of the frames holds a plate of another European country (every
    format, band and colour of `european`), drawn before the older few foreign formats are."""
    sidecodes = list(DUTCH_SIDECODES)
    for index in range(count):
        conditions = Conditions.random(rng, hard)
        if european_share and rng.random() < european_share:
            country = rng.choice(EUROPEAN_COUNTRIES[1:])
            text, printed = european_text(country, rng)
            style = european_style(country, rng)
        elif rng.random() < _FOREIGN_SHARE:
            country = rng.choice(sorted(FOREIGN_FORMATS))
            text, printed = foreign_text(country, rng)
            ink = (150, 20, 20) if country == "BE" else (15, 15, 15)
            style = PlateStyle(WHITE, ink, FOREIGN_FORMATS[country][1], font=index)
        else:
            country = "NL"
            text, printed = dutch_text(sidecodes[index % len(sidecodes)], rng)
            style = PlateStyle(two_lines=rng.random() < _TWO_LINE_SHARE, font=index)
        jpeg, box = synthetic_frame(printed, style, conditions, rng)
        yield Sample(jpeg, box, text, printed, country)
