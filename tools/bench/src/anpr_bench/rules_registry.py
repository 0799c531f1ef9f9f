"""A synthetic vehicle registry in the RDW shape, any size, generated in chunks (never all in memory).

Vehicles as the importer makes them of the RDW open-data files: the national mix of kinds, categories,
fuels (hybrids with two fuel rows), ages, masses and codes of `deploy/demo/rdw/national.py`, which
writes the same mix as CSV files for the importer. Plates are unique and plate-shaped for up to
4 x 4,096,000 vehicles: the n-th plate is known without remembering any, so reads can name them."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from anpr_rules import Vehicle

LETTERS = "BDFGHJKLNPRSTVXZ"
SHAPE_SIZE = 10 * 16**3 * 100  # plates per shape
# 99-XXX-9 first (the bench's plates before the national size), then three more sidecodes.
SHAPES = ("99XXX9", "9XXX99", "XX999X", "X999XX")


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


# What the generated columns point into (a coded column holds positions in these).
KINDS = ("Personenauto", "Bedrijfsauto", "Bus", "Motorfiets", "Bromfiets")
CATEGORIES = ("M1", "N1", "N2", "N3", "M3", "L3e", "L1e")
INRICHTINGEN = ("hatchback", "stationwagen", "sedan", "mpv", "kampeerwagen", "gesloten opbouw", "opleggertrekker",
                "bus", "N.v.t.")  # fmt: skip
FUELS = (("Benzine",), ("Diesel",), ("Elektriciteit",), ("Benzine", "Elektriciteit"), ("Benzine", "LPG"), ("LNG",))
SPECIAL = ((), ("70",), ("145",), ("146",), ("147",), ("149",), ("24",))
_FIRST_BODY = ("AB", "AC", "AA", "AF", "SA", "CE", "BC", "BA", "BB", "SH")  # carrosserie, by inrichting
_SECOND_BODY = (None, "03", "10", "15", "16", "19", "23", "26", "27", "31")  # carrosserie specifiek of trucks
BODIES = ((), *(tuple(sorted({a} | ({b} if b else set()))) for a in _FIRST_BODY for b in _SECOND_BODY))
VALUES = {"kind": KINDS, "category": CATEGORIES, "inrichting": INRICHTINGEN, "fuels": FUELS,
          "special_codes": SPECIAL, "body_codes": BODIES}  # fmt: skip
UNKNOWN, UNKNOWN_CLASS = -(2**31), -(2**15)
BLOCK = 100_000  # vehicles generated at a time, each block from its own seed: the same registry however read
_YEAR_START = np.array([(date(y, 1, 1) - date(1970, 1, 1)).days for y in range(1950, 2026)], dtype=np.int64)


@dataclass(frozen=True)
class Block:
    """A block of the registry as columns (`SnapshotBuilder.add_columns`), and its plates."""

    plates: list[str]
    columns: dict[str, np.ndarray[Any, Any]]

    def vehicles(self) -> list[Vehicle]:
        """The same vehicles as objects (today's dict index, the PostgreSQL baseline)."""
        c = {name: column.tolist() for name, column in self.columns.items()}
        epoch = date(1970, 1, 1)
        return [
            Vehicle(
                plate=plate,
                kind=KINDS[c["kind"][i]],
                category=CATEGORIES[c["category"][i]],
                first_admission=epoch + timedelta(days=c["first_admission"][i]),
                max_mass_kg=None if c["max_mass_kg"][i] == UNKNOWN else c["max_mass_kg"][i],
                empty_mass_kg=c["empty_mass_kg"][i],
                fuels=FUELS[c["fuels"][i]],
                registered_emission_class=None if c["emission_class"][i] == UNKNOWN_CLASS else c["emission_class"][i],
                special_codes=SPECIAL[c["special_codes"][i]],
                body_codes=BODIES[c["body_codes"][i]],
                inrichting=INRICHTINGEN[c["inrichting"][i]],
            )
            for i, plate in enumerate(self.plates)
        ]


def registry_blocks(vehicles: int, seed: int) -> Iterator[Block]:
    """The registry block by block: at most BLOCK vehicles in memory at a time."""
    for number, start in enumerate(range(0, vehicles, BLOCK)):
        yield _block(start, min(BLOCK, vehicles - start), np.random.default_rng([seed, number]))


def registry_chunks(vehicles: int, seed: int) -> Iterator[list[Vehicle]]:
    for block in registry_blocks(vehicles, seed):
        yield block.vehicles()


def _block(start: int, m: int, rng: np.random.Generator) -> Block:
    """national.py's mix, vectorised: kinds, categories, fuels and hybrids, ages, masses and codes."""
    year = np.maximum(1950, 2025 - np.floor(rng.exponential(9, m)).astype(np.int64))
    admitted = _YEAR_START[year - 1950] + rng.integers(0, 365, m)
    limits = [year < 1993, year < 1997, year < 2001, year < 2006, year < 2010, year < 2015]
    klass = np.select(limits, [UNKNOWN_CLASS, 1, 2, 3, 4, 5], 6)
    klass[rng.random(m) < 0.1] = UNKNOWN_CLASS  # not registered: derived from first admission and mass
    r, f, b, c = rng.random(m), rng.random(m), rng.random(m), rng.random(m)
    group = np.searchsorted(np.array([0.80, 0.90, 0.92, 0.925, 0.975]), r, side="right")
    car, van, truck, bus, moto, moped = (group == g for g in range(6))
    n3 = truck & (f < 0.7)
    kind = np.select([car, van | truck, bus, moto], [0, 1, 2, 3], 4)
    category = np.select([car, van, n3, truck, bus, moto], [0, 1, 3, 2, 4, 5], 6)
    body = np.minimum((b * 4.02).astype(np.int64), 4)
    inrichting = np.select([car, van, n3 & (b < 0.4), truck, bus], [body, 5, 6, 5, 7], 8)
    fuels = np.select(
        [car & (f < 0.62), car & (f < 0.80), car & (f < 0.90), car & (f < 0.97), car,
         van & (f < 0.85), van & (f < 0.93), van,
         truck & (f < 0.93), truck & (f < 0.97), truck,
         bus & (f < 0.8), bus, moto, moped & (f < 0.6)],
        [0, 1, 2, 3, 4, 1, 2, 0, 1, 2, 5, 1, 2, 0, 0],
        2,
    )  # fmt: skip
    car_empty = rng.integers(850, 1800, m)
    empty = np.select(
        [car, van, truck, bus, moto], [car_empty, rng.integers(1300, 2300, m), 7500, 11500, rng.integers(150, 300, m)],
        rng.integers(80, 120, m),
    )  # fmt: skip
    most = np.select(
        [car, van, n3, truck, bus],
        [car_empty + rng.integers(400, 700, m), rng.integers(2500, 3501, m), 19500, 11990, 19000],
        UNKNOWN,
    )
    klass[fuels == 2] = UNKNOWN_CLASS  # electric: emission class "Z" is not a number
    special = np.select([c < 0.003, c < 0.015], [1 + rng.integers(0, 5, m), 6], 0)
    first = np.where(category == 1, 8, np.where(c < 0.001, 9, np.select([car, bus, inrichting == 6], [body, 5, 6], 7)))
    trucks = ((category == 1) | (category == 2) | (category == 3)) & (inrichting != 6)
    second = np.where(~trucks, 0, np.where((category == 1) | (c > 0.2), 1, 2 + rng.integers(0, 8, m)))
    bodies = np.where(moto | moped, 0, 1 + first * len(_SECOND_BODY) + second)
    columns = {
        "kind": kind,
        "category": category,
        "first_admission": admitted,
        "max_mass_kg": most,
        "empty_mass_kg": empty,
        "emission_class": klass,
        "fuels": fuels,
        "special_codes": special,
        "body_codes": bodies,
        "inrichting": inrichting,
    }
    return Block([plate_of(n) for n in range(start, start + m)], columns)
