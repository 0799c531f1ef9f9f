"""Registry versions (`rules.registry_versions`): each import that changes the registry makes a new one,
with the plates it touched (`rules.vehicle_changes`) when they are few enough to apply as a delta.
Running instances poll the newest version and follow it (`registry_follow`)."""

import uuid
from typing import Any

from anpr_rules.adapters.vehicle_snapshot import Stamp

# A daily RDW update touches tens of thousands of vehicles; past this a new snapshot is cheaper than a delta.
DELTA_LIMIT = 1_000_000
KEEP_CHANGES = 30  # versions whose changed plates are kept: an instance further behind rebuilds
_NEWEST = "SELECT version, token FROM rules.registry_versions ORDER BY version DESC LIMIT 1"


async def next_version(pg: Any, vehicles: int, changes: int) -> int:
    """In the import's transaction, after its changes went into `rdw_changed`: a new version when
    anything changed (re-importing the same files makes none), the current one otherwise."""
    current = await pg.fetchval("SELECT coalesce(max(version), 0) FROM rules.registry_versions")
    if changes == 0 and current:
        return int(current)
    version = int(current) + 1
    delta = changes <= DELTA_LIMIT
    if delta:
        await pg.execute("INSERT INTO rules.vehicle_changes SELECT $1, plate FROM rdw_changed", version)
    await pg.execute(
        "INSERT INTO rules.registry_versions (version, token, vehicles, delta) VALUES ($1, $2, $3, $4)",
        version,
        str(uuid.uuid4()),
        vehicles,
        delta,
    )
    await pg.execute("DELETE FROM rules.vehicle_changes WHERE version <= $1", version - KEEP_CHANGES)
    return version


async def newest_stamp(pg: Any) -> Stamp:
    row = await pg.fetchrow(_NEWEST)
    return Stamp(0, "") if row is None else Stamp(int(row["version"]), row["token"])


async def stamp_of(pg: Any, version: int) -> Stamp | None:
    token = await pg.fetchval("SELECT token FROM rules.registry_versions WHERE version = $1", version)
    return None if token is None else Stamp(version, token)


async def deltas_between(pg: Any, after: int, upto: int) -> bool:
    """Whether every version after `after` up to `upto` has its changed plates kept."""
    missing = await pg.fetchval(
        "SELECT count(*) FROM rules.registry_versions WHERE version > $1 AND version <= $2 AND delta"
        " AND EXISTS (SELECT 1 FROM rules.vehicle_changes c WHERE c.version = registry_versions.version)",
        after,
        upto,
    )
    # A version with a delta of no plate has no rows in vehicle_changes, but cannot exist: no change, no version.
    return int(missing) == upto - after
