"""Vehicles as a few small integers each, for the compact index (`compact_index`, `vehicle_snapshot`).

What judging reads of a vehicle is kept exactly (decoding gives back an equal `Vehicle`): strings become
codes into per-snapshot dictionaries (kinds, categories, inrichting), dates days since 1970, masses and
the emission class integers with a sentinel for unknown, and fuels and RDW codes the code of their
combination (few distinct combinations among millions; a combination keeps its order, which the facts
shown to a reviewer follow). The plate itself is not stored: rows are keyed by a keyed 96-bit hash of it,
its low 64 bits the sorted key a lookup searches and the high 32 bits a check beside it. Two of the 16
million national plates share a 64-bit key about once in 140,000 registries; they then lie side by side
and the check tells them apart (a pair sharing all 96 bits: about once in 10^15).
"""

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np

from anpr_rules.domain.vehicle import Vehicle

UNKNOWN = -(2**31)  # int32 sentinel for an unknown date or mass
UNKNOWN_CLASS = -(2**15)  # int16 sentinel for an unregistered emission class
_EPOCH = date(1970, 1, 1).toordinal()
# name -> dtype while building; code columns shrink to uint16 when their dictionary fits (`narrowed`)
COLUMNS: dict[str, Any] = {
    "key": np.uint64,
    "check": np.uint32,
    "kind": np.uint32,
    "category": np.uint32,
    "first_admission": np.int32,
    "max_mass_kg": np.int32,
    "empty_mass_kg": np.int32,
    "emission_class": np.int16,
    "fuels": np.uint32,
    "special_codes": np.uint32,
    "body_codes": np.uint32,
    "inrichting": np.uint32,
}
# column -> dictionary it codes into; None is always code 0 of a dictionary that may hold it
DICTIONARY_OF = {
    "kind": "kinds",
    "category": "categories",
    "inrichting": "inrichtingen",
    "fuels": "combinations",
    "special_codes": "combinations",
    "body_codes": "combinations",
}


def key_material(pseudonym_key: str) -> bytes:
    """A key of its own for the index's plate hashes, derived from the pseudonym key (blake2b takes 64 bytes)."""
    return hashlib.blake2b(b"anpr rules vehicle index", key=pseudonym_key.encode()[:64], digest_size=32).digest()


def fingerprint(pseudonym_key: str) -> str:
    """Names the key a snapshot was made with, without revealing it."""
    return hashlib.blake2b(b"fingerprint", key=key_material(pseudonym_key), digest_size=8).hexdigest()


HASH_BYTES = 12
KEY_BITS = 64  # a plate hash's low 64 bits are its row's `key`; the rest (>> KEY_BITS) its `check`
KEY_MASK = 2**KEY_BITS - 1


def plate_hash(plate: str, material: bytes) -> int:
    """The plate exactly as given (the dict index matched it exactly too), keyed: the snapshot file holds
    no plate and cannot be reversed by hashing every possible plate without the key."""
    return int.from_bytes(hashlib.blake2b(plate.encode(), key=material, digest_size=HASH_BYTES).digest(), "little")


def plate_hasher(material: bytes) -> Callable[[str], int]:
    """`plate_hash` with the key's first block hashed once: a copy per plate instead (a lookup's hot path)."""
    keyed = hashlib.blake2b(key=material, digest_size=HASH_BYTES)

    def hashed(plate: str) -> int:
        h = keyed.copy()
        h.update(plate.encode())
        return int.from_bytes(h.digest(), "little")

    return hashed


def _days(value: date | None) -> int:
    return UNKNOWN if value is None else value.toordinal() - _EPOCH


def _int(value: int | None, sentinel: int, low: int, high: int, what: str) -> int:
    if value is None:
        return sentinel
    if not low <= value <= high:
        raise ValueError(f"{what} {value} does not fit the compact index ({low}..{high})")
    return value


class Encoder:
    """Turns vehicles into column chunks, growing the dictionaries as it meets new values."""

    def __init__(self, material: bytes) -> None:
        self._hash = plate_hasher(material)
        self.dictionaries: dict[str, dict[Any, int]] = {
            "kinds": {},
            "categories": {None: 0},
            "inrichtingen": {None: 0},
            "combinations": {(): 0},
        }

    def _code(self, dictionary: str, value: Any) -> int:
        codes = self.dictionaries[dictionary]
        found = codes.get(value)
        if found is None:
            found = codes[value] = len(codes)
        return found

    def encode(self, vehicles: Sequence[Vehicle]) -> dict[str, np.ndarray[Any, Any]]:
        code, hashed = self._code, self._hash
        rows = [
            (
                (h := hashed(v.plate)) & KEY_MASK,
                h >> KEY_BITS,
                code("kinds", v.kind),
                code("categories", v.category),
                _days(v.first_admission),
                _int(v.max_mass_kg, UNKNOWN, -(2**31) + 1, 2**31 - 1, "mass"),
                _int(v.empty_mass_kg, UNKNOWN, -(2**31) + 1, 2**31 - 1, "mass"),
                _int(v.registered_emission_class, UNKNOWN_CLASS, -(2**15) + 1, 2**15 - 1, "emission class"),
                code("combinations", v.fuels),
                code("combinations", v.special_codes),
                code("combinations", v.body_codes),
                code("inrichtingen", v.inrichting),
            )
            for v in vehicles
        ]
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in COLUMNS]
        return {
            name: np.array(values, dtype=dtype) for (name, dtype), values in zip(COLUMNS.items(), columns, strict=True)
        }

    def encode_columns(
        self, plates: Sequence[str], columns: Mapping[str, np.ndarray[Any, Any]], values: Mapping[str, Sequence[Any]]
    ) -> dict[str, np.ndarray[Any, Any]]:
        """Vehicles given column by column (a generator of millions): a coded column holds positions in
        `values[name]`; dates are days since 1970, masses and classes integers, unknown the sentinels."""
        hashes = [self._hash(p) for p in plates]
        encoded: dict[str, np.ndarray[Any, Any]] = {
            "key": np.array([h & KEY_MASK for h in hashes], dtype=np.uint64),
            "check": np.array([h >> KEY_BITS for h in hashes], dtype=np.uint32),
        }
        for name, dtype in COLUMNS.items():
            if name in encoded:
                continue
            column = columns[name]
            dictionary = DICTIONARY_OF.get(name)
            if dictionary is not None:
                codes = np.array([self._code(dictionary, value) for value in values[name]], dtype=dtype)
                column = codes[column]
            encoded[name] = column.astype(dtype)
        return encoded

    def listed(self) -> dict[str, list[Any]]:
        """The dictionaries as lists, code order (JSON: tuples become lists)."""
        return {
            name: [list(v) if isinstance(v, tuple) else v for v in codes] for name, codes in self.dictionaries.items()
        }


def narrowed(name: str, column: np.ndarray[Any, Any], dictionaries: dict[str, list[Any]]) -> np.ndarray[Any, Any]:
    dictionary = DICTIONARY_OF.get(name)
    if dictionary is not None and len(dictionaries[dictionary]) <= 2**16:
        return column.astype(np.uint16)
    return column


class Decoder:
    """Gives back the `Vehicle` of row i of a set of columns, with the plate that was asked for."""

    def __init__(self, columns: dict[str, np.ndarray[Any, Any]], dictionaries: dict[str, list[Any]]) -> None:
        # item(i): a Python int; the key and check columns find the row, they are no field of the vehicle
        self._items = tuple(columns[name].item for name in COLUMNS if name not in ("key", "check"))
        self._kinds: list[str] = dictionaries["kinds"]
        self._categories: list[str | None] = dictionaries["categories"]
        self._inrichtingen: list[str | None] = dictionaries["inrichtingen"]
        self._combinations: list[tuple[str, ...]] = [tuple(c) for c in dictionaries["combinations"]]
        self._dates: dict[int, date] = {}

    def vehicle(self, plate: str, i: int) -> Vehicle:
        # The hot path of every lookup: positional arguments, no loop, dates made once each.
        kind, category, admitted, mass, empty, klass, fuels, special, body, inrichting = self._items
        combinations = self._combinations
        days = admitted(i)
        first = None if days == UNKNOWN else (self._dates.get(days) or self._date(days))
        mass_kg, empty_kg, registered = mass(i), empty(i), klass(i)
        return Vehicle(
            plate,
            self._kinds[kind(i)],
            self._categories[category(i)],
            first,
            None if mass_kg == UNKNOWN else mass_kg,
            None if empty_kg == UNKNOWN else empty_kg,
            combinations[fuels(i)],
            None if registered == UNKNOWN_CLASS else registered,
            combinations[special(i)],
            combinations[body(i)],
            self._inrichtingen[inrichting(i)],
        )

    def _date(self, days: int) -> date:
        found = self._dates.get(days)
        if found is None:
            found = self._dates[days] = date.fromordinal(days + _EPOCH)
        return found


def dictionaries_from_json(raw: dict[str, Iterable[Any]]) -> dict[str, list[Any]]:
    return {name: [tuple(v) if isinstance(v, list) else v for v in values] for name, values in raw.items()}
