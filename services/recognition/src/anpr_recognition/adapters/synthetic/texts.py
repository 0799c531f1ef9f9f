"""Random plate texts: valid Dutch plates of any sidecode, and foreign formats that must stay foreign."""

import random

from anpr_recognition.domain.dutch_patterns import dutch_patterns
from anpr_recognition.domain.plates import format_dutch

# Foreign formats (9 digit, X letter) with how they are printed; none of them is a Dutch shape.
FOREIGN_FORMATS: dict[str, tuple[str, str]] = {
    "BE": ("9-XXX-999", "B"),
    "FR": ("XX-999-XX", "F"),
    "DE": ("XX XX 999", "D"),
    "PL": ("XX 9999X", "PL"),
}
_LETTERS = "ABDEFGHJKLMNPRSTUVWXYZ"


def dutch_text(sidecode: int, rng: random.Random) -> tuple[str, str]:
    """A valid plate of this sidecode without the vowel exceptions, and its printed form."""
    patterns, _ = dutch_patterns()
    pattern = next(p for p in patterns if p.sidecode == sidecode)
    text = "".join(rng.choice(sorted(slot)) for slot in pattern.slots)
    printed = format_dutch(text)
    assert printed is not None, text
    return text, printed


def foreign_text(country: str, rng: random.Random) -> tuple[str, str]:
    printed = "".join(
        rng.choice("0123456789") if ch == "9" else rng.choice(_LETTERS) if ch == "X" else ch
        for ch in FOREIGN_FORMATS[country][0]
    )
    return printed.replace("-", "").replace(" ", ""), printed
