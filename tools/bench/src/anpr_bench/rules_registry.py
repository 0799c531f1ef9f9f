"""A synthetic vehicle registry in the RDW shape, any size, generated in chunks (never all in memory).

Vehicles as the importer makes them of the RDW open-data files: the national mix of kinds, categories,
fuels (hybrids with two fuel rows), ages, masses and codes of `deploy/demo/rdw/national.py`, which
writes the same mix as CSV files for the importer. Plates are unique and plate-shaped for up to
4 x 4,096,000 vehicles: the n-th plate is known without remembering any, so reads can name them."""

import random
from collections.abc import Iterator
from datetime import date, timedelta

from anpr_rules import Vehicle

LETTERS = "BDFGHJKLNPRSTVXZ"
SHAPE_SIZE = 10 * 16**3 * 100  # plates per shape
# 99-XXX-9 first (the bench's plates before the national size), then three more sidecodes.
SHAPES = ("99XXX9", "9XXX99", "XX999X", "X999XX")
EV = ("Elektriciteit",)


def plate_of(n: int) -> str:
    """The n-th plate: sidecode 7 (99-XXX-9) for n below 4,096,000, then 9-XXX-99, XX-999-X, X-999-XX."""
    shape, inner = divmod(n, SHAPE_SIZE)
    digits, letters = inner % 100, inner // 100 % 10
    rest = inner // 1000
    chars = [LETTERS[(rest // 16**i) % 16] for i in range(3)]
    if shape == 0:
        return f"{digits:02d}{''.join(chars)}{letters}"
    three = f"{digits:02d}{letters}"
    if shape == 1:
        return f"{three[0]}{''.join(chars)}{three[1:]}"
    if shape == 2:
        return f"{chars[0]}{chars[1]}{three}{chars[2]}"
    if shape == 3:
        return f"{chars[0]}{three}{chars[1]}{chars[2]}"
    raise ValueError(f"no plate shape for vehicle {n:,}: at most {len(SHAPES) * SHAPE_SIZE:,}")


def _class(year: int, rng: random.Random) -> int | None:
    if rng.random() < 0.1:
        return None  # not registered: derived from first admission and mass
    limits = ((1993, None), (1997, 1), (2001, 2), (2006, 3), (2010, 4), (2015, 5))
    return next((k for last, k in limits if year < last), 6)


def national_vehicle(n: int, rng: random.Random) -> Vehicle:
    """One vehicle of the national mix (national.py's `_vehicle` and `_codes`, as the importer stores them)."""
    year = max(1950, 2025 - int(rng.expovariate(1 / 9)))
    admitted = date(year, 1, 1) + timedelta(days=rng.randrange(0, 365))
    klass, r, f = _class(year, rng), rng.random(), rng.random()
    if r < 0.80:
        empty = rng.randrange(850, 1800)
        mix = ((0.62, ("Benzine",)), (0.80, ("Diesel",)), (0.90, EV), (0.97, ("Benzine", "Elektriciteit")),
               (1.0, ("Benzine", "LPG")))  # fmt: skip
        fuels = next(choice for limit, choice in mix if f < limit)
        body = ("hatchback", "stationwagen", "sedan", "mpv", "kampeerwagen")[min(int(rng.random() * 4.02), 4)]
        kind, category, inrichting, mass = "Personenauto", "M1", body, empty + rng.randrange(400, 700)
    elif r < 0.90:
        empty = rng.randrange(1300, 2300)
        fuels = ("Diesel",) if f < 0.85 else EV if f < 0.93 else ("Benzine",)
        kind, category, inrichting, mass = "Bedrijfsauto", "N1", "gesloten opbouw", rng.randrange(2500, 3501)
    elif r < 0.92:
        category = "N3" if f < 0.7 else "N2"
        inrichting = "opleggertrekker" if rng.random() < 0.4 and category == "N3" else "gesloten opbouw"
        fuels = ("Diesel",) if f < 0.93 else EV if f < 0.97 else ("LNG",)
        kind, mass, empty = "Bedrijfsauto", 19500 if category == "N3" else 11990, 7500
    elif r < 0.925:
        kind, category, inrichting, mass, empty = "Bus", "M3", "bus", 19000, 11500
        fuels = ("Diesel",) if f < 0.8 else EV
    elif r < 0.975:
        kind, category, inrichting, mass, empty = "Motorfiets", "L3e", "N.v.t.", 0, rng.randrange(150, 300)
        fuels = ("Benzine",)
    else:
        kind, category, inrichting, mass, empty = "Bromfiets", "L1e", "N.v.t.", 0, rng.randrange(80, 120)
        fuels = ("Benzine",) if f < 0.6 else EV
    electric = fuels == EV
    special, body_codes = _codes(rng, category, inrichting)
    return Vehicle(
        plate=plate_of(n),
        kind=kind,
        category=category,
        first_admission=admitted,
        max_mass_kg=mass or None,
        empty_mass_kg=empty,
        fuels=fuels,
        registered_emission_class=None if electric else klass,
        special_codes=special,
        body_codes=body_codes,
        inrichting=inrichting,
    )


def _codes(rng: random.Random, category: str, inrichting: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    r = rng.random()
    special: tuple[str, ...] = ()
    if r < 0.003:
        special = (rng.choice(("70", "145", "146", "147", "149")),)
    elif r < 0.015:
        special = ("24",)
    if category.startswith("L"):
        return special, ()
    bodies = {"hatchback": "AB", "stationwagen": "AC", "sedan": "AA", "mpv": "AF", "kampeerwagen": "SA", "bus": "CE"}
    code = "SH" if r < 0.001 else bodies.get(inrichting, "BC" if inrichting == "opleggertrekker" else "BA")
    codes = ["BB" if category == "N1" else code]
    if category in ("N1", "N2", "N3") and inrichting != "opleggertrekker":
        codes.append("03" if category == "N1" or r > 0.2 else rng.choice(("10", "15", "16", "19", "23", "26", "27")))
    return special, tuple(sorted(codes))


def registry_chunks(vehicles: int, seed: int, size: int = 50_000) -> Iterator[list[Vehicle]]:
    """The registry in chunks of `size`: the same vehicles for the same seed, however it is chunked."""
    rng = random.Random(seed)
    for start in range(0, vehicles, size):
        yield [national_vehicle(n, rng) for n in range(start, min(vehicles, start + size))]
