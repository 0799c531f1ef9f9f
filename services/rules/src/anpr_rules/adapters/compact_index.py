"""The vehicle registry in memory, compact: a mapped snapshot (`vehicle_snapshot`) plus the changes of
later imports (deltas) on top, looked up by the plate's keyed hash. A national registry (16 million
vehicles) takes about 34 bytes a vehicle instead of about 470 (`anpr bench rules`).

`get` answers exactly what the dict index (`InMemoryVehicleIndex`) answered for the same registry: the
same `Vehicle`, field for field."""

import random
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from anpr_rules.adapters.vehicle_codec import KEY_BITS, KEY_MASK, Decoder, fingerprint, key_material, plate_hasher
from anpr_rules.adapters.vehicle_snapshot import Snapshot, Stamp
from anpr_rules.domain.vehicle import Vehicle

_IN_BASE = object()


@dataclass(frozen=True)
class _Generation:
    """What one lookup reads, swapped in whole: a lookup never mixes two registries."""

    snapshot: Snapshot | None
    keys: np.ndarray[Any, Any]  # sorted; plates that share a key lie side by side
    checks: np.ndarray[Any, Any]  # the rest of each row's plate hash, to tell those apart
    decoder: Decoder | None
    overlay: dict[int, Vehicle | None]  # plate hash -> vehicle changed or added since the snapshot; None: removed
    stamp: Stamp | None  # the registry version this generation holds
    count: int


_EMPTY = _Generation(None, np.zeros(0, np.uint64), np.zeros(0, np.uint32), None, {}, None, 0)


class CompactVehicleIndex:
    def __init__(self, pseudonym_key: str) -> None:
        self._hash = plate_hasher(key_material(pseudonym_key))
        self.fingerprint = fingerprint(pseudonym_key)
        self._now = _EMPTY

    @property
    def stamp(self) -> Stamp | None:
        return self._now.stamp

    @property
    def snapshot(self) -> Snapshot | None:
        return self._now.snapshot

    @property
    def generation(self) -> object:
        """What the index holds now, whole (to go back to it when a switch fails half way)."""
        return self._now

    @generation.setter
    def generation(self, value: object) -> None:
        assert isinstance(value, _Generation)
        self._now = value

    @property
    def pending_changes(self) -> int:
        """Changes held beside the snapshot (a large number is a reason to write a new snapshot)."""
        return len(self._now.overlay)

    def get(self, plate: str) -> Vehicle | None:
        now = self._now
        key = self._hash(plate)
        if now.overlay and key in now.overlay:
            found = now.overlay[key]
            return found if found is None or found.plate == plate else replace(found, plate=plate)
        i = _row(now, key)
        if i is None:
            return None
        assert now.decoder is not None
        return now.decoder.vehicle(plate, i)

    def __len__(self) -> int:
        return self._now.count

    def use(self, snapshot: Snapshot) -> None:
        """Judge with this snapshot from now on (what was applied before it is in it)."""
        decoder = Decoder(snapshot.columns, snapshot.dictionaries)
        columns = snapshot.columns
        self._now = _Generation(snapshot, columns["key"], columns["check"], decoder, {}, snapshot.stamp, snapshot.rows)

    def apply(self, stamp: Stamp, changed: Iterable[tuple[str, Vehicle | None]]) -> int:
        """The registry of `stamp`: each changed plate with its vehicle now, None when it left the
        registry. Built aside and swapped in: reads go on against the previous generation meanwhile."""
        now = self._now
        overlay = dict(now.overlay)
        count = now.count
        for plate, vehicle in changed:
            key = self._hash(plate)
            count += (vehicle is not None) - self._present(now, overlay, key)
            overlay[key] = vehicle
        self._now = _Generation(now.snapshot, now.keys, now.checks, now.decoder, overlay, stamp, count)
        return count

    def _present(self, now: _Generation, overlay: dict[int, Vehicle | None], key: int) -> bool:
        found = overlay.get(key, _IN_BASE)
        return self._in_base(now, key) if found is _IN_BASE else found is not None

    def sample(self, size: int, seed: int = 8) -> list[Vehicle]:
        """About `size` vehicles drawn at random (the what-if forecast's mix); plates are placeholders:
        the index keeps none."""
        now = self._now
        rows = now.keys.size
        picked = range(rows) if rows <= size else sorted(random.Random(seed).sample(range(rows), size))
        found = []
        for i in picked:
            whole = int(now.keys[i]) | int(now.checks[i]) << KEY_BITS  # the row's plate hash, as the overlay keys it
            vehicle = now.overlay.get(whole, _IN_BASE) if now.overlay else _IN_BASE
            if vehicle is _IN_BASE:
                assert now.decoder is not None
                vehicle = now.decoder.vehicle(f"SAMPLE{i}", i)
            if isinstance(vehicle, Vehicle):
                found.append(vehicle)
        added = [v for k, v in now.overlay.items() if v is not None and not self._in_base(now, k)]
        return found + added[: max(0, size - len(found))]

    def _in_base(self, now: _Generation, key: int) -> bool:
        return _row(now, key) is not None


def _row(now: _Generation, plate_hash: int) -> int | None:
    """The snapshot row of this plate hash, if any: found by its low 64 bits, told apart by the rest."""
    keys, key, check = now.keys, plate_hash & KEY_MASK, plate_hash >> KEY_BITS
    i = int(keys.searchsorted(np.uint64(key)))
    while i < keys.size and keys.item(i) == key:
        if now.checks.item(i) == check:
            return i
        i += 1
    return None
