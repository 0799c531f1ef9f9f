"""Bad snapshot files: cut short, damaged, from another schema version or another pseudonym key are
refused whole with what is wrong, and the index keeps what it held (never half-loaded)."""

import json
import os
import struct
import time
import zlib
from pathlib import Path

import pytest

from anpr_rules.adapters.compact_index import CompactVehicleIndex
from anpr_rules.adapters.vehicle_snapshot import SCHEMA, SnapshotRefused, Stamp, open_snapshot, prune, write_snapshot

from .fakes import KEY, a_vehicle

REGISTRY = [a_vehicle(plate=f"AB{n:03d}C", max_mass_kg=1000 + n) for n in range(300)]


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    return write_snapshot(tmp_path / "snapshots", Stamp(1, "tok"), [REGISTRY[:100], REGISTRY[100:]], KEY)


def index_of(path: Path, key: str = KEY) -> CompactVehicleIndex:
    index = CompactVehicleIndex(key)
    index.use(open_snapshot(path, index.fingerprint))
    return index


def test_a_whole_snapshot_is_mapped(snapshot: Path) -> None:
    index = index_of(snapshot)
    assert (len(index), index.get("AB007C"), index.stamp) == (300, REGISTRY[7], Stamp(1, "tok"))


@pytest.mark.parametrize("keep", [0, 10, 17, 200, -1000, -1])
def test_a_truncated_file_is_refused(snapshot: Path, keep: int) -> None:
    data = snapshot.read_bytes()
    snapshot.write_bytes(data[:keep])
    with pytest.raises(SnapshotRefused, match=r"truncated|damaged"):
        open_snapshot(snapshot, CompactVehicleIndex(KEY).fingerprint)


def test_a_file_grown_at_the_end_is_refused(snapshot: Path) -> None:
    snapshot.write_bytes(snapshot.read_bytes() + b"\0" * 64)
    with pytest.raises(SnapshotRefused, match="truncated or padded"):
        open_snapshot(snapshot, CompactVehicleIndex(KEY).fingerprint)


def test_a_flipped_byte_in_the_body_is_refused(snapshot: Path) -> None:
    data = bytearray(snapshot.read_bytes())
    data[-5] ^= 0x40
    snapshot.write_bytes(bytes(data))
    with pytest.raises(SnapshotRefused, match="body damaged"):
        open_snapshot(snapshot, CompactVehicleIndex(KEY).fingerprint)


def test_a_damaged_header_is_refused(snapshot: Path) -> None:
    data = bytearray(snapshot.read_bytes())
    data[40] ^= 0x01
    snapshot.write_bytes(bytes(data))
    with pytest.raises(SnapshotRefused, match="header damaged"):
        open_snapshot(snapshot, CompactVehicleIndex(KEY).fingerprint)


def _rewrite_header(path: Path, **changes: object) -> None:
    """A well-formed file whose header says something else (what a future version would write)."""
    data = path.read_bytes()
    magic, length, _ = struct.unpack("<8sII", data[:16])
    header = json.loads(data[16 : 16 + length]) | changes
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (length - len(raw))  # same length: the body stays where it was
    path.write_bytes(struct.pack("<8sII", magic, length, zlib.crc32(raw)) + raw + data[16 + length :])


def test_another_schema_version_is_refused(snapshot: Path) -> None:
    _rewrite_header(snapshot, schema=SCHEMA + 1)
    with pytest.raises(SnapshotRefused, match=f"schema version {SCHEMA + 1}, this service reads {SCHEMA}"):
        open_snapshot(snapshot, CompactVehicleIndex(KEY).fingerprint)


def test_another_pseudonym_key_is_refused(snapshot: Path) -> None:
    with pytest.raises(SnapshotRefused, match="another pseudonym key"):
        index_of(snapshot, key="another-key")


def test_not_a_snapshot_at_all(snapshot: Path) -> None:
    snapshot.write_bytes(b"PK\x03\x04" + bytes(100))
    with pytest.raises(SnapshotRefused, match="not a vehicle snapshot"):
        open_snapshot(snapshot, CompactVehicleIndex(KEY).fingerprint)


def test_a_refused_file_leaves_the_index_as_it_was(snapshot: Path, tmp_path: Path) -> None:
    index = index_of(snapshot)
    bad = write_snapshot(tmp_path / "other", Stamp(2, "x"), [[a_vehicle(plate="ZZ999Z")]], KEY)
    bad.write_bytes(bad.read_bytes()[:-3])
    with pytest.raises(SnapshotRefused):
        index.use(open_snapshot(bad, index.fingerprint))
    assert (len(index), index.get("AB007C"), index.get("ZZ999Z")) == (300, REGISTRY[7], None)


def test_pruning_keeps_the_newest_and_removes_older_snapshots_and_stale_partial_writes(tmp_path: Path) -> None:
    old = write_snapshot(tmp_path, Stamp(1, "a"), [REGISTRY[:3]], KEY)
    new = write_snapshot(tmp_path, Stamp(2, "b"), [REGISTRY[:4]], KEY)
    stale, fresh = tmp_path / f".{new.name}.11.tmp", tmp_path / f".{new.name}.12.tmp"
    stale.write_bytes(b"cut short")
    fresh.write_bytes(b"being written")
    os.utime(stale, (time.time() - 7200, time.time() - 7200))

    prune(tmp_path, new)

    assert (old.exists(), new.exists(), stale.exists(), fresh.exists()) == (False, True, False, True)
