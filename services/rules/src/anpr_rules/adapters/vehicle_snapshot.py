"""The compact vehicle index as one file an instance maps into memory instead of rebuilding it.

    MAGIC (8 bytes) | header length (u32) | header CRC-32 (u32) | header (JSON) | padding | body

The header says the schema version, the fingerprint of the pseudonym key the plate hashes were made
with, the registry version and its token (`registry_versions`), the row count, the dictionaries, where
each column lies in the body, and the body's CRC-32. The body is the columns, each 64-byte aligned,
sorted by plate hash. A file that is cut short, damaged, from another schema version, another key or
another registry is refused whole (`SnapshotRefused`) with what is wrong: never half-loaded.

Written to a temporary name and renamed, so a reader sees a whole file or the previous one.
"""

import contextlib
import json
import logging
import os
import re
import struct
import time
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from anpr_rules.adapters.vehicle_codec import (
    COLUMNS,
    Encoder,
    dictionaries_from_json,
    fingerprint,
    key_material,
    narrowed,
)
from anpr_rules.domain.vehicle import Vehicle

log = logging.getLogger(__name__)
SCHEMA = 2  # 2: a 32-bit check beside each 64-bit key (plates sharing a key are told apart)
MAGIC = b"ANPRVIX\x00"
_PREFIX = struct.Struct("<8sII")
_ALIGN = 64
_NAME = re.compile(r"vehicles-v(\d{12})\.snap")
MAX_HEADER = 64 * 2**20  # dictionaries of a national registry are a few hundred kB


class SnapshotRefused(Exception):
    """A snapshot file that must not be used; the message says why (the instance rebuilds it)."""


@dataclass(frozen=True)
class Stamp:
    """Which registry a snapshot holds: the version and the token PostgreSQL gave it."""

    version: int
    token: str


@dataclass(frozen=True)
class Snapshot:
    path: Path | None  # None: held in memory only (the snapshot directory could not be written)
    stamp: Stamp
    rows: int
    columns: dict[str, np.ndarray[Any, Any]]  # views of the mapped file, read only
    dictionaries: dict[str, list[Any]]


def snapshot_path(directory: Path, version: int) -> Path:
    return directory / f"vehicles-v{version:012d}.snap"


def version_of(path: Path) -> int:
    found = _NAME.fullmatch(path.name)
    return int(found.group(1)) if found else -1


def newest(directory: Path) -> Path | None:
    found = (
        sorted(p for p in directory.glob("vehicles-v*.snap") if _NAME.fullmatch(p.name)) if directory.is_dir() else []
    )
    return found[-1] if found else None


class SnapshotBuilder:
    """Encodes vehicles chunk by chunk (only their codes stay, never the chunks), then sorts them by
    plate hash and writes the file. The sort and the write release the GIL: run `write` in a thread."""

    def __init__(self, pseudonym_key: str) -> None:
        self._encoder = Encoder(key_material(pseudonym_key))
        self.key_fingerprint = fingerprint(pseudonym_key)
        self._parts: dict[str, list[np.ndarray[Any, Any]]] = {name: [] for name in COLUMNS}

    def add(self, chunk: Sequence[Vehicle]) -> None:
        for name, column in self._encoder.encode(chunk).items():
            self._parts[name].append(column)

    def add_columns(
        self, plates: Sequence[str], columns: Mapping[str, np.ndarray[Any, Any]], values: Mapping[str, Sequence[Any]]
    ) -> None:
        """Vehicles column by column (`Encoder.encode_columns`): what a generator of millions hands over."""
        for name, column in self._encoder.encode_columns(plates, columns, values).items():
            self._parts[name].append(column)

    def write(self, directory: Path, stamp: Stamp) -> Path:
        columns, dictionaries = self.finish()
        return write_columns(directory, stamp, self.key_fingerprint, columns, dictionaries)

    def finish(self) -> tuple[dict[str, np.ndarray[Any, Any]], dict[str, list[Any]]]:
        """The columns sorted by plate hash, and the dictionaries (once: the chunks are let go)."""
        parts = self._parts
        keys, checks = (np.concatenate(parts.pop(name) or [np.zeros(0, COLUMNS[name])]) for name in ("key", "check"))
        order = np.argsort(keys, kind="stable")
        keys, checks = keys[order], checks[order]
        _refuse_twins(keys, checks)
        dictionaries = self._encoder.listed()
        columns = {"key": keys, "check": checks}
        for name, pieces in parts.items():
            whole = np.concatenate(pieces) if pieces else np.zeros(0, COLUMNS[name])
            pieces.clear()
            columns[name] = narrowed(name, whole[order], dictionaries)
        return columns, dictionaries


def _refuse_twins(keys: np.ndarray[Any, Any], checks: np.ndarray[Any, Any]) -> None:
    """Plates that share a key lie side by side (a lookup reads them all and takes the one whose check is
    its own); two that share key and check could not be told apart."""
    shared = np.flatnonzero(keys[1:] == keys[:-1]) if keys.size > 1 else np.zeros(0, np.intp)
    rows = np.unique(np.concatenate([shared, shared + 1]))
    pairs = {(int(keys[i]), int(checks[i])) for i in rows}
    if len(pairs) < rows.size:
        # 96 bits: about one chance in 10^15 for a national registry; another pseudonym key would fix it.
        raise SnapshotRefused(f"plates share their whole index hash ({rows.size} with a shared key); not written")


def write_snapshot(directory: Path, stamp: Stamp, chunks: Iterable[Sequence[Vehicle]], pseudonym_key: str) -> Path:
    """A snapshot of the vehicles, streamed: one chunk of `Vehicle`s in memory at a time."""
    builder = SnapshotBuilder(pseudonym_key)
    for chunk in chunks:
        builder.add(chunk)
    return builder.write(directory, stamp)


def write_columns(
    directory: Path,
    stamp: Stamp,
    key_fingerprint: str,
    columns: dict[str, np.ndarray[Any, Any]],
    dictionaries: dict[str, Any],
) -> Path:
    layout, offset, checksum = [], 0, 0
    for name, column in columns.items():
        offset = -(-offset // _ALIGN) * _ALIGN
        layout.append({"name": name, "dtype": column.dtype.str, "offset": offset, "nbytes": column.nbytes})
        offset += column.nbytes
    header = {
        "schema": SCHEMA,
        "key_fingerprint": key_fingerprint,
        "version": stamp.version,
        "token": stamp.token,
        "rows": int(columns["key"].size),
        "columns": layout,
        "dictionaries": dictionaries,
        "body_bytes": offset,
    }
    directory.mkdir(parents=True, exist_ok=True)
    target = snapshot_path(directory, stamp.version)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with temporary.open("wb") as out:
        body_start = _body_start(len(_header_bytes(header | {"checksum": f"{0:08x}"})))
        out.seek(body_start)
        position = 0
        for entry, column in zip(layout, columns.values(), strict=True):
            padding = bytes(entry["offset"] - position)
            data = np.ascontiguousarray(column).data.cast("B")
            out.write(padding)
            out.write(data)
            checksum = zlib.crc32(data, zlib.crc32(padding, checksum))
            position = entry["offset"] + entry["nbytes"]
        # Eight hex digits whatever the value: the header's length, so the body's place, does not change.
        raw = _header_bytes(header | {"checksum": f"{checksum:08x}"})
        out.truncate(body_start + offset)  # an empty registry writes no column: the file still ends there
        out.seek(0)
        out.write(_PREFIX.pack(MAGIC, len(raw), zlib.crc32(raw)) + raw)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, target)
    log.info("vehicle snapshot written: %s, %d vehicles", target.name, header["rows"])
    return target


def _header_bytes(header: dict[str, Any]) -> bytes:
    return json.dumps(header, separators=(",", ":"), ensure_ascii=True).encode()


def _body_start(header_length: int) -> int:
    return -(-(_PREFIX.size + header_length) // _ALIGN) * _ALIGN


def open_snapshot(path: Path, key_fingerprint: str) -> Snapshot:
    """Map a snapshot read-only after checking all of it; SnapshotRefused says what is wrong."""
    name = path.name
    size = path.stat().st_size
    with path.open("rb") as handle:
        prefix = handle.read(_PREFIX.size)
        if len(prefix) < _PREFIX.size:
            raise SnapshotRefused(f"{name}: truncated ({size} bytes, not even a header)")
        magic, length, header_crc = _PREFIX.unpack(prefix)
        if magic != MAGIC:
            raise SnapshotRefused(f"{name}: not a vehicle snapshot")
        if length > MAX_HEADER or _PREFIX.size + length > size:
            raise SnapshotRefused(f"{name}: truncated (header of {length} bytes, file of {size})")
        raw = handle.read(length)
    if zlib.crc32(raw) != header_crc:
        raise SnapshotRefused(f"{name}: header damaged (checksum mismatch)")
    header = json.loads(raw)
    if header.get("schema") != SCHEMA:
        raise SnapshotRefused(f"{name}: schema version {header.get('schema')}, this service reads {SCHEMA}")
    if header.get("key_fingerprint") != key_fingerprint:
        raise SnapshotRefused(f"{name}: made with another pseudonym key ({header.get('key_fingerprint')})")
    body_start = _body_start(length)
    if size != body_start + header["body_bytes"]:
        raise SnapshotRefused(
            f"{name}: truncated or padded ({size} bytes, the header says {body_start + header['body_bytes']})"
        )
    body: np.ndarray[Any, Any] = (
        np.memmap(path, dtype=np.uint8, mode="r", offset=body_start, shape=(header["body_bytes"],))
        if header["body_bytes"]
        else np.zeros(0, np.uint8)  # an empty registry: nothing to map (mmap refuses zero bytes)
    )
    if f"{zlib.crc32(body.data):08x}" != header["checksum"]:
        raise SnapshotRefused(f"{name}: body damaged (checksum mismatch)")
    rows = header["rows"]
    columns = {}
    for entry in header["columns"]:
        dtype = np.dtype(entry["dtype"])
        if entry["nbytes"] != rows * dtype.itemsize:
            raise SnapshotRefused(f"{name}: column {entry['name']} has {entry['nbytes']} bytes for {rows} rows")
        # A plain ndarray over the mapped pages: numpy's memmap subclass makes every scalar read slower.
        columns[entry["name"]] = body[entry["offset"] : entry["offset"] + entry["nbytes"]].view(np.ndarray).view(dtype)
    if set(columns) != set(COLUMNS):
        raise SnapshotRefused(f"{name}: columns {sorted(columns)}, expected {sorted(COLUMNS)}")
    stamp = Stamp(header["version"], header["token"])
    return Snapshot(path, stamp, rows, columns, dictionaries_from_json(header["dictionaries"]))


def prune(directory: Path, keep: Path) -> None:
    """Older snapshots go once a newer one is written (an instance still mapping one keeps its pages)."""
    for path in directory.glob("vehicles-v*.snap"):
        if path != keep and _NAME.fullmatch(path.name) and path.name < keep.name:
            path.unlink(missing_ok=True)
    # A write cut short by a crash leaves its temporary file; one an hour old is no write in progress.
    for path in directory.glob(".vehicles-v*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            if time.time() - path.stat().st_mtime > 3600:
                path.unlink()


def in_memory(stamp: Stamp, columns: dict[str, np.ndarray[Any, Any]], dictionaries: dict[str, list[Any]]) -> Snapshot:
    """A snapshot that is not a file: what an instance judges with when it cannot write its directory."""
    return Snapshot(None, stamp, int(columns["key"].size), columns, dictionaries)
