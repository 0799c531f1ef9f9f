"""`anpr bench rules`: decisions per second per core on the in-memory path, against a naive baseline that
queries PostgreSQL for the vehicle and the permits of every read, in the same run.

A decision is one read judged against one regime in force; every synthetic read is at a location where
all regimes apply, so each read makes as many decisions as there are regimes."""

import asyncio
import random
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from anpr_contracts import ExemptionChanged, PlateRecognized, ReadSource
from anpr_rules import (
    InMemoryPermitIndex,
    InMemoryVehicleIndex,
    Permit,
    Regime,
    Vehicle,
    Where,
    decide,
    judge,
    load_regimes,
)
from anpr_runtime.pseudonym import vehicle_key

LOCATION, ZONE = "bench-loc", "bench-zone"
KEY = "bench-pseudonym-key"
LETTERS = "BDFGHJKLNPRSTVXZ"
FUELS = (("Diesel",), ("Benzine",), ("Elektriciteit",), ("Diesel", "Elektriciteit"), ("LPG",))
CATEGORIES = ("M1", "M1", "M1", "N1", "N2", "N3")
KINDS = ("resident", "business", "works", "day-permit", "disabled", "national")


@dataclass(frozen=True)
class BenchConfig:
    vehicles: int = 1_000_000
    permits: int = 100_000
    reads: int = 20_000
    baseline_reads: int = 2_000
    regimes: int = 10
    seed: int = 7


def plate_of(n: int) -> str:
    """Sidecode 7 shaped plates (99-XXX-9), unique for n below 10 * 16^3 * 100."""
    letters = "".join(LETTERS[(n // 10**1 // 100 // 16**i) % 16] for i in range(3))
    return f"{n % 100:02d}{letters}{(n // 100) % 10}"


def synthetic_vehicle(n: int, rng: random.Random) -> Vehicle:
    category = rng.choice(CATEGORIES)
    admitted = date(1975, 1, 1) + timedelta(days=rng.randrange(0, 18000))
    return Vehicle(
        plate=plate_of(n),
        kind="Personenauto" if category == "M1" else "Bedrijfsauto",
        category=category,
        first_admission=admitted,
        max_mass_kg=rng.choice((1500, 2200, 3500, 7500, 18000)),
        empty_mass_kg=rng.choice((950, 1250, 1600, 2400)),
        fuels=rng.choice(FUELS),
        registered_emission_class=rng.choice((None, 2, 3, 4, 5, 6)),
        special_codes=("145",) if rng.random() < 0.01 else (),
        body_codes=("16",) if category in ("N2", "N3") and rng.random() < 0.05 else (),
        inrichting="opleggertrekker" if category == "N3" and rng.random() < 0.5 else None,
    )


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


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def run_in_memory(
    reads: list[PlateRecognized], regimes: list[Regime], vehicles: InMemoryVehicleIndex, permits: InMemoryPermitIndex
) -> dict[str, float]:
    latencies = []
    decisions = 0
    clock = time.perf_counter
    started = clock()
    for read in reads:
        t0 = clock()
        decisions += len(decide(read, regimes, vehicles, permits, vehicle_key(read.plate, KEY)))
        latencies.append(clock() - t0)
    elapsed = clock() - started
    latencies.sort()
    return {
        "decisions_per_s_per_core": decisions / elapsed,
        "reads_per_s": len(reads) / elapsed,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "decisions": decisions,
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
    rng = random.Random(config.seed)
    regimes = bench_regimes(regime_dir, config.regimes)
    rss_before = rss_mb()
    progress(f"building {config.vehicles:,} vehicles")
    vehicle_list = [synthetic_vehicle(n, rng) for n in range(config.vehicles)]
    vehicles = InMemoryVehicleIndex({v.plate: v for v in vehicle_list})
    progress(f"indexing {config.permits:,} permits")
    permit_list = [synthetic_permit(n, config.vehicles, rng) for n in range(config.permits)]
    permits = InMemoryPermitIndex()
    for _, change in permit_list:
        permits.apply(change)
    rss_loaded = rss_mb()
    reads = [synthetic_read(config.vehicles, rng) for _ in range(config.reads)]
    progress(f"judging {config.reads:,} reads against {len(regimes)} regimes in memory")
    result: dict[str, Any] = {
        "regimes": len(regimes),
        "vehicles": len(vehicles),
        "permits": len(permits),
        "reads": len(reads),
        **run_in_memory(reads, regimes, vehicles, permits),
        "rss_mb": round(rss_loaded, 1),
        "rss_mb_for_indexes": round(rss_loaded - rss_before, 1),
    }
    if database_url:
        progress(f"baseline: {config.baseline_reads:,} reads with two PostgreSQL queries each")
        baseline_reads = reads[: config.baseline_reads]
        result.update(asyncio.run(run_baseline(database_url, baseline_reads, regimes, vehicle_list, permit_list)))
        result["speedup_vs_baseline"] = result["decisions_per_s_per_core"] / result["baseline_decisions_per_s"]
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()}
