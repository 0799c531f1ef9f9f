"""The compact vehicle index answers exactly what the dict index answers, through a real snapshot file,
and with deltas on top; every decision on the shipped regimes is the same with either index."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anpr_contracts import PlateRecognized, ReadSource
from anpr_rules.adapters import compact_index, vehicle_codec
from anpr_rules.adapters.compact_index import CompactVehicleIndex
from anpr_rules.adapters.permit_index import InMemoryPermitIndex
from anpr_rules.adapters.regime_files import load_regimes
from anpr_rules.adapters.vehicle_codec import (
    DICTIONARY_OF,
    KEY_MASK,
    UNKNOWN,
    UNKNOWN_CLASS,
    key_material,
    plate_hash,
    plate_hasher,
)
from anpr_rules.adapters.vehicle_index import InMemoryVehicleIndex
from anpr_rules.adapters.vehicle_snapshot import (
    SnapshotBuilder,
    SnapshotRefused,
    Stamp,
    open_snapshot,
    write_snapshot,
)
from anpr_rules.domain.vehicle import Vehicle
from anpr_rules.handlers import decide
from anpr_runtime.pseudonym import vehicle_key

from .fakes import KEY, REGIME_DIR, a_vehicle

REGIMES = load_regimes(REGIME_DIR)
PLATES = st.text("ABCDEFGHJKLNPRSTVXZ0123456789", min_size=1, max_size=8)
WORDS = st.sampled_from(["Diesel", "Benzine", "Elektriciteit", "LPG", "Waterstof", "CNG", "145", "70", "SH", "15"])
vehicles = st.builds(
    Vehicle,
    plate=PLATES,
    kind=st.sampled_from(["Personenauto", "Bedrijfsauto", "Bus", "Bromfiets", "Oplegger", "Motorfiets", ""]),
    category=st.sampled_from([None, "M1", "N1", "N2", "N3", "L3e"]),
    first_admission=st.none() | st.dates(date(1900, 1, 1), date(2100, 12, 31)),
    max_mass_kg=st.none() | st.integers(0, 60_000),
    empty_mass_kg=st.none() | st.integers(-5, 40_000),
    fuels=st.lists(WORDS, max_size=3, unique=True).map(tuple),  # order kept: facts() joins them in order
    registered_emission_class=st.none() | st.integers(0, 6),
    special_codes=st.lists(WORDS, max_size=3, unique=True).map(tuple),
    body_codes=st.lists(WORDS, max_size=3, unique=True).map(tuple),
    inrichting=st.sampled_from([None, "opleggertrekker", "betonmixer", "gesloten opbouw"]),
)


def compact(directory: Path, registry: list[Vehicle], key: str = KEY, chunk: int = 7) -> CompactVehicleIndex:
    chunks = (registry[i : i + chunk] for i in range(0, len(registry), chunk))
    path = write_snapshot(directory, Stamp(3, "t"), chunks, key)
    index = CompactVehicleIndex(key)
    index.use(open_snapshot(path, index.fingerprint))
    return index


def unique(registry: list[Vehicle]) -> list[Vehicle]:
    return list({v.plate: v for v in registry}.values())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(registry=st.lists(vehicles, max_size=40).map(unique), asked=st.lists(PLATES, max_size=10))
def test_every_vehicle_comes_back_equal_field_for_field(
    tmp_path: Path, registry: list[Vehicle], asked: list[str]
) -> None:
    index = compact(tmp_path, registry)
    old = InMemoryVehicleIndex({v.plate: v for v in registry})

    for plate in [v.plate for v in registry] + asked + [p.lower() for p in asked]:
        assert index.get(plate) == old.get(plate), plate
    assert len(index) == len(old)


def test_the_same_decisions_as_the_dict_index_on_every_shipped_regime(tmp_path: Path) -> None:
    changes: list[dict[str, Any]] = [
        {},
        {"fuels": ("Elektriciteit",), "registered_emission_class": None},
        {"category": "N3", "max_mass_kg": 18_000, "inrichting": "opleggertrekker"},
        {"category": "N2", "max_mass_kg": None, "body_codes": ("15",)},
        {"first_admission": date(1980, 5, 1), "registered_emission_class": None},
        {"first_admission": None, "registered_emission_class": None, "empty_mass_kg": 1100},
        {"kind": "Bromfiets", "category": "L1e"},
        {"special_codes": ("145",), "fuels": ("Benzine", "LPG")},
    ]
    registry = [a_vehicle(plate=f"CAR{n:03d}", **change) for n, change in enumerate(changes)]
    permits = InMemoryPermitIndex()
    new, old = compact(tmp_path, registry), InMemoryVehicleIndex({v.plate: v for v in registry})
    moments = [datetime(2026, 3, 2, 9, tzinfo=UTC) + timedelta(days=40 * i, hours=5 * i) for i in range(8)]
    places = {(loc, zone) for r in REGIMES for loc in r.applies_at.locations for zone in (None, *r.applies_at.zones)}
    judged = 0
    for plate in [v.plate for v in registry] + ["NOTREG1"]:
        for moment in moments:
            for location, zone in sorted(places, key=str):
                read = PlateRecognized(
                    source=ReadSource.CAMERA,
                    location_id=location,
                    zone_id=zone,
                    observed_at=moment,
                    plate=plate,
                    country="NL",
                    confidence=0.95,
                )
                key = vehicle_key(plate, KEY)
                with_new = decide(read, REGIMES, new, permits, key)
                assert with_new == decide(read, REGIMES, old, permits, key)
                judged += len(with_new)
    assert judged > 100  # the reads did meet regimes in force


def test_deltas_change_add_and_remove_on_top_of_the_snapshot(tmp_path: Path) -> None:
    index = compact(tmp_path, [a_vehicle(plate="KEEP01"), a_vehicle(plate="GONE01"), a_vehicle(plate="EDIT01")])
    electric = a_vehicle(plate="EDIT01", fuels=("Elektriciteit",))

    count = index.apply(
        Stamp(4, "u"), [("EDIT01", electric), ("GONE01", None), ("NEW001", a_vehicle(plate="NEW001")), ("NONE01", None)]
    )

    assert (count, len(index), index.stamp, index.pending_changes) == (3, 3, Stamp(4, "u"), 4)
    assert index.get("EDIT01") == electric
    assert index.get("GONE01") is None
    assert index.get("NEW001") == a_vehicle(plate="NEW001")
    assert index.get("KEEP01") == a_vehicle(plate="KEEP01")
    assert {v.fuels for v in index.sample(10)} == {a_vehicle().fuels, ("Elektriciteit",)}
    index.apply(Stamp(5, "v"), [("NEW001", None)])
    assert (len(index), index.get("NEW001")) == (2, None)


def test_an_empty_registry_is_a_snapshot_too(tmp_path: Path) -> None:
    index = compact(tmp_path, [])
    assert (len(index), index.get("AB123C"), index.sample(5)) == (0, None, [])


def test_the_snapshot_holds_no_plate(tmp_path: Path) -> None:
    compact(tmp_path, [a_vehicle(plate="PLATE9X")])
    assert b"PLATE9X" not in next(tmp_path.glob("*.snap")).read_bytes()


def test_vehicles_given_column_by_column_are_the_same_as_given_one_by_one(tmp_path: Path) -> None:
    registry = [
        a_vehicle(plate="COL001"),
        a_vehicle(plate="COL002", fuels=("Benzine", "Elektriciteit"), max_mass_kg=None, registered_emission_class=None),
        a_vehicle(plate="COL003", first_admission=date(1961, 2, 3), inrichting="betonmixer", body_codes=("15", "BA")),
    ]
    values: dict[str, list[Any]] = {name: [] for name in DICTIONARY_OF}

    def at(name: str, value: Any) -> int:
        if value not in values[name]:
            values[name].append(value)
        return values[name].index(value)

    def days(value: date | None) -> int:
        return UNKNOWN if value is None else (value - date(1970, 1, 1)).days

    columns = {
        "kind": np.array([at("kind", v.kind) for v in registry]),
        "category": np.array([at("category", v.category) for v in registry]),
        "first_admission": np.array([days(v.first_admission) for v in registry]),
        "max_mass_kg": np.array([UNKNOWN if v.max_mass_kg is None else v.max_mass_kg for v in registry]),
        "empty_mass_kg": np.array([UNKNOWN if v.empty_mass_kg is None else v.empty_mass_kg for v in registry]),
        "emission_class": np.array(
            [UNKNOWN_CLASS if v.registered_emission_class is None else v.registered_emission_class for v in registry]
        ),
        "fuels": np.array([at("fuels", v.fuels) for v in registry]),
        "special_codes": np.array([at("special_codes", v.special_codes) for v in registry]),
        "body_codes": np.array([at("body_codes", v.body_codes) for v in registry]),
        "inrichting": np.array([at("inrichting", v.inrichting) for v in registry]),
    }
    builder = SnapshotBuilder(KEY)
    builder.add_columns([v.plate for v in registry], columns, values)
    index = CompactVehicleIndex(KEY)
    index.use(open_snapshot(builder.write(tmp_path, Stamp(1, "c")), index.fingerprint))

    assert [index.get(v.plate) for v in registry] == registry


@given(plate=PLATES)
def test_the_fast_plate_hasher_is_the_keyed_hash(plate: str) -> None:
    material = key_material(KEY)
    assert plate_hasher(material)(plate) == plate_hash(plate, material)


def few_keys(material: bytes) -> Callable[[str], int]:
    """The real keyed hash with its low 64 bits (the searched key) cut to 8 values: in a registry of
    dozens, most plates share their key with others, as two of the 16 million do about once in 140,000
    national registries."""
    real = plate_hasher(material)
    return lambda plate: (h := real(plate)) - (h & KEY_MASK) + (h & 7)


def test_plates_that_share_a_key_are_told_apart_by_their_check(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(vehicle_codec, "plate_hasher", few_keys)
    monkeypatch.setattr(compact_index, "plate_hasher", few_keys)
    registry = [a_vehicle(plate=f"AB{n:03d}C", max_mass_kg=1000 + n) for n in range(60)]

    index = compact(tmp_path, registry)

    assert [index.get(v.plate) for v in registry] == registry
    assert [index.get(f"ZZ{n:03d}X") for n in range(40)] == [None] * 40  # sharing a key is not being there
    index.apply(Stamp(4, "u"), [("AB007C", None), ("XY001Z", a_vehicle(plate="XY001Z"))])
    assert (index.get("AB007C"), index.get("AB008C"), index.get("XY001Z")) == (
        None,
        registry[8],
        a_vehicle(plate="XY001Z"),
    )
    assert len(index) == 60
    assert sorted(v.max_mass_kg or 0 for v in index.sample(100)) == sorted(
        [1000 + n for n in range(60) if n != 7] + [a_vehicle().max_mass_kg or 0]
    )


def test_plates_sharing_their_whole_hash_refuse_the_snapshot(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(vehicle_codec, "plate_hasher", lambda material: lambda plate: 42)

    with pytest.raises(SnapshotRefused, match=r"plates share their whole index hash \(3 with a shared key\)"):
        compact(tmp_path, [a_vehicle(plate="AB001C"), a_vehicle(plate="AB002C"), a_vehicle(plate="AB003C")])
