"""Labelled synthetic frames: every Dutch sidecode in turn, some two-line plates, some foreign plates."""

import random
from collections.abc import Iterator
from dataclasses import dataclass

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


def synthetic_samples(count: int, rng: random.Random, hard: bool = False) -> Iterator[Sample]:
    sidecodes = list(DUTCH_SIDECODES)
    for index in range(count):
        conditions = Conditions.random(rng, hard)
        if rng.random() < _FOREIGN_SHARE:
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
