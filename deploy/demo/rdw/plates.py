"""Dutch-looking plates for generated vehicles: the sidecode of the year of first admission, the letters
of recent series (no vowels, C, Q or Y) and the first letter that hints the vehicle type."""

import random

LETTERS = "BDFGHJKLMNPRSTVXZ"
# (first year, sidecode pattern): 9 a digit, X a letter (domain notes §4).
SIDECODES = (
    (0, "XX9999"), (1965, "9999XX"), (1973, "99XX99"), (1978, "XX99XX"), (1991, "XXXX99"), (1999, "99XXXX"),
    (2008, "99XXX9"), (2013, "9XXX99"), (2015, "XX999X"), (2019, "X999XX"), (2024, "XXX99X"),
)  # fmt: skip
CAR_FIRST_LETTERS = "FGHJKLNPRSTXZ"  # not B, D, M, V (nor O, W: trailers)
HINTS = {"N1": "V", "N2": "B", "N3": "B", "L1e": "D", "L3e": "M"}  # bestel, bedrijf, brom, motor


def pattern(year: int) -> str:
    return next(p for start, p in reversed(SIDECODES) if year >= start)


def random_plate(year: int, category: str, rng: random.Random, taken: set[str]) -> str:
    """A plate not in `taken` (and then added to it)."""
    shape = pattern(year)
    hint = HINTS.get(category) if year >= 1978 else None
    while True:
        chars = [rng.choice(LETTERS) if c == "X" else str(rng.randrange(10)) for c in shape]
        # The first letter hints the type: a car's never does.
        chars[shape.index("X")] = hint or rng.choice(CAR_FIRST_LETTERS)
        plate = "".join(chars)
        if plate not in taken:
            taken.add(plate)
            return plate


def enumerated_plate(year: int, index: int) -> str:
    """The index-th plate of the year's sidecode, scattered over its whole space: unique per (sidecode,
    index) without remembering any, which a file of millions needs."""
    shape = pattern(year)
    sizes = [len(LETTERS) if c == "X" else 10 for c in shape]
    space = 1
    for size in sizes:
        space *= size
    # 7919 is prime and shares no factor with 10 or 17: a permutation of the space.
    n = (index * 7919 + 12345) % space
    chars = []
    for c, size in zip(reversed(shape), reversed(sizes), strict=True):
        n, digit = divmod(n, size)
        chars.append(LETTERS[digit] if c == "X" else str(digit))
    return "".join(reversed(chars))
