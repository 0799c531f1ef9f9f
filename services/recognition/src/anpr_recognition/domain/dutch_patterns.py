"""The Dutch plate grammar as per-slot symbol masks, for decoding constrained to sidecodes 1-14."""

from dataclasses import dataclass
from functools import cache

import numpy as np

from anpr_recognition.domain.constrained import Masks
from anpr_recognition.domain.ctc import ALPHABET
from anpr_recognition.domain.plates import DUTCH_SIDECODES

_DIGITS = frozenset("0123456789")
_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ") - frozenset("CQ")  # C and Q were never issued
_CONSONANTS = _LETTERS - frozenset("AEIOU")
_FIRST_SIDECODE_WITHOUT_VOWELS = 4


@dataclass(frozen=True)
class DutchPattern:
    sidecode: int
    slots: tuple[frozenset[str], ...]


def _patterns_of(sidecode: int, shape: str) -> list[DutchPattern]:
    letters = _LETTERS if sidecode < _FIRST_SIDECODE_WITHOUT_VOWELS else _CONSONANTS
    base = tuple(_DIGITS if slot == "9" else letters for slot in shape)
    patterns = [DutchPattern(sidecode, base)]
    if sidecode >= _FIRST_SIDECODE_WITHOUT_VOWELS and shape.startswith("X"):
        # The series that keep a vowel: O starts semi-trailer plates, AA the royal household's.
        patterns.append(DutchPattern(sidecode, (frozenset("O"), *base[1:])))
        if shape.startswith("XX"):
            patterns.append(DutchPattern(sidecode, (frozenset("A"), frozenset("A"), *base[2:])))
    return patterns


@cache
def dutch_patterns() -> tuple[tuple[DutchPattern, ...], Masks]:
    patterns = tuple(
        pattern
        for sidecode, printed in DUTCH_SIDECODES.items()
        for pattern in _patterns_of(sidecode, printed.replace("-", ""))
    )
    masks = np.array(
        [[[symbol in slot for symbol in ALPHABET] for slot in pattern.slots] for pattern in patterns], dtype=np.bool_
    )
    masks.setflags(write=False)
    return patterns, masks
