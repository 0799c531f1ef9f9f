import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class PlateReading:
    text: str
    formatted: str
    country: str | None
    confidence: float
    box: tuple[int, int, int, int]
    plate_format: str | None = None  # the format that matched ("NL:99-XXX-9", "DE:L X N999"); None: free


def one_reading_per_plate(plates: list[PlateReading]) -> list[PlateReading]:
    """A plate boxed twice (a close plate whose box and a box inside it both survive the detector's
    suppression, or a look at another scale) reads twice with the same text: one reading stays, the surer.
    The same text at two places that do not overlap stays twice (a trailer and its car may carry one plate
    each). Left to right, as the reader returns them."""
    kept: list[PlateReading] = []
    for plate in sorted(plates, key=lambda p: -p.confidence):
        if not any(k.text == plate.text and _mostly_inside(k.box, plate.box) for k in kept):
            kept.append(plate)
    return sorted(kept, key=lambda p: p.box[0])


def _mostly_inside(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    """At least half of the smaller box lies inside the other."""
    overlap = max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return smaller > 0 and overlap >= 0.5 * smaller


# Dutch sidecodes: 9 = digit, X = letter. Numbers 12-14 are announced but not yet issued; accepting them
# now costs nothing because no issued series has their shape.
DUTCH_SIDECODES: dict[int, str] = {
    1: "XX-99-99",
    2: "99-99-XX",
    3: "99-XX-99",
    4: "XX-99-XX",
    5: "XX-XX-99",
    6: "99-XX-XX",
    7: "99-XXX-9",
    8: "9-XXX-99",
    9: "XX-999-X",
    10: "X-999-XX",
    11: "XXX-99-X",
    12: "X-99-XXX",
    13: "9-XX-999",
    14: "999-XX-9",
}

# The shapes are all different, so a text's shape names at most one sidecode.
_SIDECODE_BY_SHAPE = {pattern.replace("-", ""): number for number, pattern in DUTCH_SIDECODES.items()}

_NEVER_ISSUED = frozenset("CQ")
_VOWELS = frozenset("AEIOU")
_FIRST_SIDECODE_WITHOUT_VOWELS = 4
# Series that keep a vowel after sidecode 4: O starts semi-trailer plates, AA the royal household's.
_VOWEL_PREFIXES = ("AA", "O")


def normalise(raw: str) -> str:
    # NFKC folds full-width and other look-alike forms to ASCII; non-Latin letters (the OCR dictionary is
    # mostly Chinese) are recogniser noise on a European plate, not characters of it.
    folded = unicodedata.normalize("NFKC", raw).upper()
    return "".join(ch for ch in folded if (ch.isascii() and ch.isalnum()) or _is_latin_letter(ch))


def _is_latin_letter(ch: str) -> bool:
    return ch.isalpha() and unicodedata.name(ch, "").startswith("LATIN")


def _shape(text: str) -> str:
    return "".join("9" if ch.isdigit() else "X" if ch.isalpha() else "?" for ch in text)


def _letters_allowed(text: str, sidecode: int) -> bool:
    if _NEVER_ISSUED & set(text):
        return False
    if sidecode < _FIRST_SIDECODE_WITHOUT_VOWELS:
        return True
    rest = next((text[len(p) :] for p in _VOWEL_PREFIXES if text.startswith(p)), text)
    return not _VOWELS & set(rest)


def dutch_sidecode(text: str) -> int | None:
    if not text.isascii():
        return None
    sidecode = _SIDECODE_BY_SHAPE.get(_shape(text))
    if sidecode is None or not _letters_allowed(text, sidecode):
        return None
    return sidecode


def format_dutch(text: str) -> str | None:
    sidecode = dutch_sidecode(text)
    if sidecode is None:
        return None
    characters = iter(text)
    return "".join("-" if slot == "-" else next(characters) for slot in DUTCH_SIDECODES[sidecode])


def guess_country(text: str) -> str | None:
    return "NL" if dutch_sidecode(text) is not None else None
