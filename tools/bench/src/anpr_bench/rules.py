"""`anpr bench rules`: decisions per second per core on the in-memory path, against a naive baseline that
queries PostgreSQL for the vehicle and the permits of every read, in the same run.

The vehicle index is the compact one (`CompactVehicleIndex`, mapped from a snapshot): the registry is
generated in the RDW shape and streamed into the snapshot (`rules_registry`), then a process of its own
maps it and judges the reads (`rules_index`), so its resident memory and its time from start to ready
(`load_s`) are its own. Today's dict index (`InMemoryVehicleIndex`) is measured the same way in the same
run at a size both can hold (`--compare-vehicles`, 1M), as is the compact one at that size.

A decision is one read judged against one regime in force; every synthetic read is at a location where
all regimes apply, so each read makes as many decisions as there are regimes."""

import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from anpr_bench.rules_registry import VALUES, plate_of, registry_blocks, registry_chunks
from anpr_contracts import ExemptionChanged, PlateRecognized, ReadSource
from anpr_rules import (
    CompactVehicleIndex,
    InMemoryPermitIndex,
    Permit,
    Regime,
    SnapshotBuilder,
    SnapshotRefused,
    Stamp,
    Vehicle,
    Where,
    decide,
    judge,
    load_regimes,
    open_snapshot,
)
from anpr_runtime.pseudonym import vehicle_key

LOCATION, ZONE = "bench-loc", "bench-zone"
KEY = "bench-pseudonym-key"
KINDS = ("resident", "business", "works", "day-permit", "disabled", "national")


@dataclass(frozen=True)
class BenchConfig:
    vehicles: int = 1_000_000
    permits: int = 100_000
    reads: int = 20_000
    baseline_reads: int = 2_000
    regimes: int = 10
    seed: int = 7
    compare_vehicles: int = 1_000_000  # today's dict index is measured at min(vehicles, this)
    work_dir: Path | None = None  # where the snapshots are written (and removed): a temporary directory
    # Snapshots kept here and used again by later runs (generating 16M vehicles takes minutes): one per
    # size and seed, checked (schema, key, checksum) before it is used, made again when refused.
    snapshot_cache: Path | None = None


def bench_regimes(directory: Path, count: int) -> list[Regime]:
    """The shipped regimes moved to the bench location, repeated under new ids up to `count`."""
    shipped = load_regimes(directory)
    regimes = []
    for i in range(count):
        base = shipped[i % len(shipped)]
        regimes.append(
            base.model_copy(
                update={
                    "id": f"{base.id}-{i}",
                    "applies_at": Where(locations=(LOCATION,), zones=(ZONE,)),
                    "windows": (),  # judged at every moment: the worst case
                    "effective_from": datetime(2020, 1, 1, tzinfo=UTC),
                }
            )
        )
    return regimes


def synthetic_permit(n: int, vehicles: int, rng: random.Random) -> tuple[str, ExemptionChanged]:
    plate = plate_of(rng.randrange(vehicles))
    start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(0, 300))
    change = ExemptionChanged(
        exemption_id=f"bench-{n}",
        plate_key=vehicle_key(plate, KEY),
        kind=rng.choice(KINDS),
        regimes=(),
        valid_from=start,
        valid_until=start + timedelta(days=rng.choice((1, 30, 365))),
    )
    return plate, change


def synthetic_read(vehicles: int, rng: random.Random) -> PlateRecognized:
    roll = rng.random()
    plate = plate_of(rng.randrange(vehicles)) if roll < 0.9 else f"ZZ{rng.randrange(9999):04d}"
    return PlateRecognized(
        source=ReadSource.CAMERA,
        location_id=LOCATION,
        zone_id=ZONE,
        observed_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(0, 330 * 86400)),
        plate=plate,
        country="DE" if roll > 0.97 else "NL",
        confidence=0.95,
    )


class VehicleLookup(Protocol):
    def get(self, plate: str) -> Vehicle | None: ...


def percentile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def run_in_memory(
    reads: list[PlateRecognized], regimes: list[Regime], vehicles: VehicleLookup, permits: InMemoryPermitIndex
) -> dict[str, float]:
    """Wall-clock figures as before, and the same on the thread's CPU clock: on a shared machine the
    wall clock also counts the time other processes had the core, the CPU clock only this one's work."""
    latencies, cpu = [], []
    decisions = 0
    clock, cpu_clock = time.perf_counter, time.thread_time
    started, cpu_started = clock(), cpu_clock()
    for read in reads:
        t0, c0 = clock(), cpu_clock()
        decisions += len(decide(read, regimes, vehicles, permits, vehicle_key(read.plate, KEY)))
        cpu.append(cpu_clock() - c0)
        latencies.append(clock() - t0)
    elapsed, cpu_elapsed = clock() - started, cpu_clock() - cpu_started
    latencies.sort()
    cpu.sort()
    return {
        "decisions_per_s_per_core": decisions / elapsed,
        "reads_per_s": len(reads) / elapsed,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "decisions": decisions,
        "decisions_per_cpu_s": decisions / cpu_elapsed,
        "p50_cpu_ms": percentile(cpu, 0.50) * 1000,
        "p99_cpu_ms": percentile(cpu, 0.99) * 1000,
        # The share of the wall-clock time this thread was on a core: well below 1, the wall-clock figures
        # above measure the other processes on the machine as much as this one.
        "cpu_share": cpu_elapsed / elapsed,
    }


async def run_baseline(
    database_url: str,
    reads: list[PlateRecognized],
    regimes: list[Regime],
    vehicles: list[Vehicle],
    permits: list[tuple[str, ExemptionChanged]],
) -> dict[str, float]:
    """The naive design: two queries per read (vehicle, permits) in a temporary copy of the data."""
    import asyncpg  # the bench talks to PostgreSQL directly, like a naive service would

    connection = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await _load_baseline_tables(connection, vehicles, permits)
        decisions = 0
        started = time.perf_counter()
        for read in reads:
            row = await connection.fetchrow("select * from bench_vehicles where plate = $1", read.plate)
            vehicle = _vehicle_from_row(row) if row else None
            rows = await connection.fetch(
                "select * from bench_permits where plate_key = $1", vehicle_key(read.plate, KEY)
            )
            found = [Permit(r["id"], r["kind"], (), (), r["valid_from"], r["valid_until"], None, None) for r in rows]
            for regime in regimes:
                if regime.in_force(read.observed_at, read.location_id, read.zone_id):
                    judge(read, regime, vehicle, found)
                    decisions += 1
        elapsed = time.perf_counter() - started
    finally:
        await connection.close()
    return {"baseline_decisions_per_s": decisions / elapsed, "baseline_reads_per_s": len(reads) / elapsed}


async def _load_baseline_tables(
    connection: Any, vehicles: list[Vehicle], permits: list[tuple[str, ExemptionChanged]]
) -> None:
    await connection.execute(
        "create temporary table bench_vehicles (plate text primary key, kind text, category text,"
        " first_admission date, max_mass_kg int, empty_mass_kg int, fuels text[], emission_class int,"
        " special_codes text[], body_codes text[], inrichting text)"
    )
    await connection.copy_records_to_table(
        "bench_vehicles",
        records=[
            (
                v.plate,
                v.kind,
                v.category,
                v.first_admission,
                v.max_mass_kg,
                v.empty_mass_kg,
                list(v.fuels),
                v.registered_emission_class,
                list(v.special_codes),
                list(v.body_codes),
                v.inrichting,
            )
            for v in vehicles
        ],
    )
    await connection.execute(
        "create temporary table bench_permits (id text primary key, plate_key text, kind text,"
        " valid_from timestamptz, valid_until timestamptz)"
    )
    await connection.copy_records_to_table(
        "bench_permits",
        records=[(c.exemption_id, c.plate_key, c.kind, c.valid_from, c.valid_until) for _, c in permits],
    )
    await connection.execute("create index on bench_permits (plate_key)")
    await connection.execute("analyze bench_vehicles; analyze bench_permits")


def _vehicle_from_row(row: Any) -> Vehicle:
    return Vehicle(
        plate=row["plate"],
        kind=row["kind"],
        category=row["category"],
        first_admission=row["first_admission"],
        max_mass_kg=row["max_mass_kg"],
        empty_mass_kg=row["empty_mass_kg"],
        fuels=tuple(row["fuels"]),
        registered_emission_class=row["emission_class"],
        special_codes=tuple(row["special_codes"]),
        body_codes=tuple(row["body_codes"]),
        inrichting=row["inrichting"],
    )


def run(
    config: BenchConfig, regime_dir: Path, database_url: str | None, progress: Callable[[str], None] = print
) -> dict[str, Any]:
    compare = min(config.vehicles, config.compare_vehicles)
    with tempfile.TemporaryDirectory(prefix="anpr-bench-rules-", dir=config.work_dir) as work:
        progress(f"writing a snapshot of {config.vehicles:,} vehicles (generated in the RDW shape, streamed)")
        snapshot, build_s = _snapshot(Path(work) / "main", config.vehicles, config.seed, config.snapshot_cache)
        progress(f"a process maps it and judges {config.reads:,} reads against {config.regimes} regimes")
        main = _process(config, regime_dir, "compact", config.vehicles, snapshot)
        result: dict[str, Any] = {
            "regimes": config.regimes,
            "vehicles": main["vehicles"],
            "permits": main["permits"],
            "reads": config.reads,
            **{k: main[k] for k in ("decisions_per_s_per_core", "reads_per_s", "p50_ms", "p99_ms", "decisions")},
            **{k: main[k] for k in ("decisions_per_cpu_s", "p50_cpu_ms", "p99_cpu_ms", "cpu_share")},
            "rss_mb": main["rss_mb"],
            "rss_mb_for_indexes": main["rss_mb_for_indexes"],
            "index": "compact",
            "load_s": main["load_s"],
            "rss_mb_for_vehicle_index": main["rss_mb_for_vehicle_index"],
            "snapshot_mb": snapshot.stat().st_size / 2**20,
            "snapshot_build_s": build_s,  # 0: a cached snapshot was used
            "compare_vehicles": compare,
        }
        if config.snapshot_cache is None:
            snapshot.unlink()
        progress(f"today's dict index at {compare:,} vehicles, in a process of its own")
        _add(result, "dict_index_", _process(config, regime_dir, "dict", compare))
        if compare != config.vehicles:
            progress(f"the compact index at {compare:,} vehicles too")
            small, small_build_s = _snapshot(Path(work) / "compare", compare, config.seed, config.snapshot_cache)
            _add(result, "compact_at_compare_", _process(config, regime_dir, "compact", compare, small))
            result["compact_at_compare_snapshot_build_s"] = small_build_s
        else:
            _add(result, "compact_at_compare_", main)
    if database_url:
        progress(f"baseline: {config.baseline_reads:,} reads with two PostgreSQL queries each")
        vehicle_list = [v for chunk in registry_chunks(compare, config.seed) for v in chunk]
        rng = random.Random(config.seed + 1)
        permit_list = [synthetic_permit(n, compare, rng) for n in range(config.permits)]
        baseline_reads = [synthetic_read(compare, rng) for _ in range(config.baseline_reads)]
        regimes = bench_regimes(regime_dir, config.regimes)
        result.update(asyncio.run(run_baseline(database_url, baseline_reads, regimes, vehicle_list, permit_list)))
        result["speedup_vs_baseline"] = (
            result["compact_at_compare_decisions_per_s_per_core"] / result["baseline_decisions_per_s"]
        )
    result["load_avg_1m"] = os.getloadavg()[0]  # other work on the machine, next to the wall-clock figures
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()}


def _snapshot(directory: Path, vehicles: int, seed: int, cache: Path | None = None) -> tuple[Path, float]:
    """Streamed: each block of the generated registry is encoded and let go before the next. With a
    cache, a snapshot kept there from an earlier run is used (build time 0) when it opens."""
    if cache is not None:
        directory = cache / f"vehicles-{vehicles}-seed-{seed}"
        for kept in sorted(directory.glob("*.snap")):
            try:
                open_snapshot(kept, CompactVehicleIndex(KEY).fingerprint)
                return kept, 0.0
            except SnapshotRefused:  # truncated, another schema or key: made again below
                kept.unlink()
    started = time.perf_counter()
    builder = SnapshotBuilder(KEY)
    for block in registry_blocks(vehicles, seed):
        builder.add_columns(block.plates, block.columns, VALUES)
    path = builder.write(directory, Stamp(1, "bench"))
    return path, time.perf_counter() - started


def _process(
    config: BenchConfig, regime_dir: Path, index: str, vehicles: int, snapshot: Path | None = None
) -> dict[str, Any]:
    """Start a measuring process (`rules_index`) and read its figures; `started` is taken just before."""
    job = {
        "index": index,
        "snapshot": str(snapshot) if snapshot else None,
        "vehicles": vehicles,
        "permits": config.permits,
        "reads": config.reads,
        "regimes": config.regimes,
        "regime_dir": str(regime_dir),
        "seed": config.seed,
        "started": time.time(),
    }
    done = subprocess.run(
        [sys.executable, "-m", "anpr_bench.rules_index", json.dumps(job)],
        capture_output=True,
        text=True,
        env=os.environ | {"PYTHONHASHSEED": "0"},
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the {index} index process failed: {done.stderr.strip()[-2000:]}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def _add(result: dict[str, Any], prefix: str, figures: dict[str, Any]) -> None:
    keys = ("vehicles", "load_s", "rss_mb", "rss_mb_for_indexes", "rss_mb_for_vehicle_index")
    for key in (*keys, "decisions_per_s_per_core", "p50_ms", "p99_ms", "decisions_per_cpu_s", "p99_cpu_ms"):
        result[prefix + key] = figures[key]
