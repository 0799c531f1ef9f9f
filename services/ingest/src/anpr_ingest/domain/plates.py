import re

_NOT_PLATE = re.compile(r"[\s\-.·]")

MIN_PLATE, MAX_PLATE = 2, 10  # a UK cherished "A1" to an old French "1234ABC75"; no country prints more

# The Dutch sidecodes 1-14 as shapes (9 a digit, X a letter), as recognition decodes them (services share
# no code). Only the shape is checked here: the letter series (no C or Q, no vowels from 4 on) have
# exceptions (diplomatic CD, royal AA, trailer O) that a wrong refusal would cost more than a review.
_DUTCH_SHAPES = frozenset(
    {
        "XX9999",
        "9999XX",
        "99XX99",
        "XX99XX",
        "XXXX99",
        "99XXXX",
        "99XXX9",
        "9XXX99",
        "XX999X",
        "X999XX",
        "XXX99X",
        "X99XXX",
        "9XX999",
        "999XX9",
    }
)
_DUTCH = frozenset({"NL", "NLD"})
# Where personalised plates may be letters only (Sweden's "HELLO"); everywhere else every series has digits.
_LETTERS_ONLY_ISSUED = frozenset({"SE", "SWE", "NO", "NOR", "DK", "DNK", "FI", "FIN", "IS", "ISL", "US", "USA", "CA"})


def normalise_plate(raw: str) -> str:
    """'72-vgx-6' -> '72VGX6'; the contract accepts A-Z0-9 only."""
    return _NOT_PLATE.sub("", raw).upper()


def implausible_plate(plate: str, country: str | None) -> str | None:
    """Why a normalised plate (A-Z0-9) cannot be a number plate of `country`, or None when it can be.

    What a fuzzer or a misread gives (W, 0, ONI) must not become a review item; a plate of a country
    whose formats are not known here passes on length and alphabet alone.
    """
    if not MIN_PLATE <= len(plate) <= MAX_PLATE:
        return f"a plate has {MIN_PLATE} to {MAX_PLATE} letters and digits, this one {len(plate)}"
    code = (country or "").upper()
    if code in _DUTCH:
        shape = "".join("9" if ch.isdigit() else "X" for ch in plate)
        if shape not in _DUTCH_SHAPES:
            return f"no Dutch sidecode has the shape {shape} (X a letter, 9 a digit)"
        return None
    if not any(ch.isdigit() for ch in plate) and code not in _LETTERS_ONLY_ISSUED:
        where = f"country {code}" if code else "a read without a country"
        return f"a plate of letters only is not issued for {where}"
    return None
