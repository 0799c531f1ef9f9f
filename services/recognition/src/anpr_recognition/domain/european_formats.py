"""European plate formats as per-slot symbol sets, from each country's public format rules (current
series and the older ones still common on the road). Dutch plates keep their own sidecode grammar
(dutch_patterns); these are the other countries' formats, for decoding constrained to them.

A shape is written as printed: `-` and ` ` are separators, and each other character is a slot:
`9` digit, `N` digit but not 0 (serial numbers never start with 0 where the rules say so), `X` a
letter of the country's serial letters, `L` any letter (area codes), `A` a letter or a digit.

Where rules leave out letters that look like digits (I, O, Q, U in Italy and France; B, D, I, O, Z in
a Polish serial; vowels in Spain), the slot does not allow them: that is what settles O/0, I/1, B/8
and Z/2 by position on a foreign plate."""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import product

_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
_DIGITS = frozenset("0123456789")
_NONZERO = _DIGITS - {"0"}
SEPARATORS = frozenset("- ")


@dataclass(frozen=True)
class PlateFormat:
    """One printed shape of one country; `format_id` names it in reads ("FR:XX-999-XX")."""

    country: str
    printed: str
    slots: tuple[frozenset[str], ...]

    @property
    def format_id(self) -> str:
        return f"{self.country}:{self.printed}"

    def format_text(self, text: str) -> str:
        """The text with the shape's separators put back (text has one character per slot)."""
        characters = iter(text)
        return "".join(ch if ch in SEPARATORS else next(characters) for ch in self.printed)


def _slots(printed: str, letters: frozenset[str]) -> tuple[frozenset[str], ...]:
    classes = {"9": _DIGITS, "N": _NONZERO, "X": letters, "L": _LETTERS, "A": _LETTERS | _DIGITS}
    return tuple(classes[ch] if ch in classes else frozenset(ch.upper()) for ch in printed if ch not in SEPARATORS)


def _german() -> list[str]:
    # Area code of 1-3 letters, 1-2 letters, 1-4 digits not starting with 0; at most 8 in all.
    return [
        f"{'L' * area} {'X' * letters} N{'9' * (digits - 1)}"
        for area, letters, digits in product((1, 2, 3), (1, 2), (1, 2, 3, 4))
        if 4 <= area + letters + digits <= 8
    ]


def _austrian() -> list[str]:
    # District of 1-2 letters, then 3-6 characters: digits then 1-3 letters, or letters then digits.
    shapes = []
    for district, digits, letters in product((1, 2), range(1, 6), range(1, 4)):
        if 3 <= digits + letters <= 6:
            shapes.append(f"{'L' * district}-N{'9' * (digits - 1)}{'X' * letters}")
            shapes.append(f"{'L' * district}-{'X' * letters}N{'9' * (digits - 1)}")
    return shapes


def _polish() -> list[str]:
    # Area code of 2 letters with a 5-character serial, or of 3 letters with 4 (or 5 in larger areas).
    five = ("99999", "9999X", "999XX", "9X999", "9XX99")
    four = ("X999", "99XX", "9X99", "99X9", "9XX9", "XX99")
    return [f"LL {serial}" for serial in five] + [f"LLL {serial}" for serial in (*four, *five)]


def _swiss() -> list[str]:
    # Canton (two letters, their first and second letters below) and 1-6 digits; 4 characters at least.
    return [f"XX N{'9' * (digits - 1)}" for digits in range(2, 7)]


_CANTONS = (
    "AG", "AI", "AR", "BE", "BL", "BS", "FR", "GE", "GL", "GR", "JU", "LU", "NE",
    "NW", "OW", "SG", "SH", "SO", "SZ", "TG", "TI", "UR", "VD", "VS", "ZG", "ZH",
)  # fmt: skip
# Per slot, not per pair: a few pairs that are no canton pass, which costs little and keeps one mask.
_CANTON_SLOTS = (frozenset(code[0] for code in _CANTONS), frozenset(code[1] for code in _CANTONS))

# country -> (the letters of its serials, its shapes)
_RULES: dict[str, tuple[frozenset[str], list[str]]] = {
    "BE": (_LETTERS, ["N-XXX-999", "XXX-999", "999-XXX"]),
    "DE": (_LETTERS, _german()),
    "FR": (_LETTERS - set("IOU"), ["XX-999-XX", "999-XX-99", "9999-XX-99", "999-XXX-99"]),
    "PL": (_LETTERS - set("BDIOZ"), _polish()),
    "IT": (_LETTERS - set("IOQU"), ["XX 999XX"]),
    "ES": (_LETTERS - set("AEIOUQ"), ["9999 XXX", "L-9999-LL", "LL-9999-LL"]),
    "AT": (_LETTERS, _austrian()),
    "CZ": (_LETTERS - set("GOQW"), ["NX9 9999", "NXA 9999"]),  # the first digit numbers a series, from 1
    "SK": (_LETTERS - set("Q"), ["LL-999XX"]),
    "HR": (_LETTERS - set("Q"), ["LL 999-X", "LL 999-XX", "LL 9999-X", "LL 9999-XX"]),
    "RO": (_LETTERS - set("Q"), ["L 99 XXX", "L 999 XXX", "LL 99 XXX"]),
    "GB": (_LETTERS - set("IQ"), ["XX99 XXX", "X999 XXX", "X99 XXX", "X9 XXX", "XXX 999X", "XXX 99X"]),
    "LU": (_LETTERS, ["XX 9999", "N9999"]),
    "DK": (_LETTERS - set("IOQ"), ["XX 99 999"]),
    "CH": (_LETTERS, _swiss()),
}
# The order names the country when formats of several fit a text equally: by how often their cars
# are met in the Netherlands (neighbours first).
COUNTRIES = ("DE", "BE", "PL", "FR", "GB", "IT", "ES", "AT", "LU", "CZ", "SK", "RO", "HR", "DK", "CH")


def _formats_of(country: str) -> Iterable[PlateFormat]:
    letters, shapes = _RULES[country]
    for printed in shapes:
        slots = _slots(printed, letters)
        if country == "CH":
            slots = (*_CANTON_SLOTS, *slots[2:])
        yield PlateFormat(country, printed, slots)


@cache
def european_formats() -> tuple[PlateFormat, ...]:
    """Every format of every country but the Netherlands, in `COUNTRIES` order."""
    return tuple(plate_format for country in COUNTRIES for plate_format in _formats_of(country))
