"""One measured rules process for `anpr bench rules`: load a vehicle index (today's dict built from the
registry, or the compact one mapped from a snapshot), then judge reads against it, and print one JSON
object. A process of its own so its resident memory and its time from start to ready are its own.

    python -m anpr_bench.rules_index '{"index": "compact", "snapshot": ..., "started": <time.time()>, ...}'
"""

import gc
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

from anpr_bench.rules_registry import registry_chunks


def resident_mb() -> float:
    """Resident memory now (not the peak): mapped snapshot pages count once they are read."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def _dict_index(vehicles: int, seed: int) -> Any:
    """Today's index as the service loads it: a dict of Vehicles whose equal values are one object."""
    from dataclasses import replace

    from anpr_rules import InMemoryVehicleIndex

    shared: dict[Any, Any] = {}

    def one(value: Any) -> Any:
        return shared.setdefault(value, value)

    gc.disable()  # as the service's load does: a million objects that all live on
    try:
        found = {
            v.plate: replace(
                v,
                kind=one(v.kind),
                category=one(v.category),
                first_admission=one(v.first_admission),
                max_mass_kg=one(v.max_mass_kg),
                empty_mass_kg=one(v.empty_mass_kg),
                fuels=one(v.fuels),
                special_codes=one(v.special_codes),
                body_codes=one(v.body_codes),
                inrichting=one(v.inrichting),
            )
            for chunk in registry_chunks(vehicles, seed)
            for v in chunk
        }
    finally:
        gc.enable()
    return InMemoryVehicleIndex(found)


def _compact_index(snapshot: str, key: str) -> Any:
    from anpr_rules import CompactVehicleIndex, open_snapshot

    index = CompactVehicleIndex(key)
    index.use(open_snapshot(Path(snapshot), index.fingerprint))  # checks the whole file: every page is read
    return index


def measure(job: dict[str, Any]) -> dict[str, Any]:
    from anpr_bench.rules import KEY, bench_regimes, run_in_memory, synthetic_permit, synthetic_read
    from anpr_rules import InMemoryPermitIndex

    before = resident_mb()
    if job["index"] == "compact":
        vehicles = _compact_index(job["snapshot"], KEY)
    else:
        vehicles = _dict_index(job["vehicles"], job["seed"])
    load_s = time.time() - job["started"]
    loaded = resident_mb()
    rng = random.Random(job["seed"] + 1)
    permits = InMemoryPermitIndex()
    for n in range(job["permits"]):
        permits.apply(synthetic_permit(n, job["vehicles"], rng)[1])
    indexed = resident_mb()
    reads = [synthetic_read(job["vehicles"], rng) for _ in range(job["reads"])]
    regimes = bench_regimes(Path(job["regime_dir"]), job["regimes"])
    judged = run_in_memory(reads, regimes, vehicles, permits)
    return {
        "index": job["index"],
        "vehicles": len(vehicles),
        "permits": len(permits),
        "load_s": load_s,
        "rss_mb": resident_mb(),
        # Both indexes (vehicles and permits), as before; a mapped snapshot's pages are all resident by
        # then (opening it checks every byte), so this is the most it takes, not what a few reads touched.
        "rss_mb_for_indexes": indexed - before,
        "rss_mb_for_vehicle_index": loaded - before,
        **judged,
    }


if __name__ == "__main__":
    print(json.dumps(measure(json.loads(sys.argv[1]))))
