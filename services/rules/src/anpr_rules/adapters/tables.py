from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, Integer, MetaData, SmallInteger, String, Table, Text
from sqlalchemy.dialects.postgresql import ARRAY

metadata = MetaData(schema="rules")

vehicles = Table(
    "vehicles",
    metadata,
    Column("plate", String(16), primary_key=True),
    Column("kind", String(60), nullable=False),
    Column("category", String(10)),
    Column("first_admission", Date),
    Column("max_mass_kg", Integer),
    Column("empty_mass_kg", Integer),
    Column("fuels", ARRAY(String(40)), nullable=False),
    Column("emission_class", Integer),
    Column("special_codes", ARRAY(Text), nullable=False, server_default="{}"),  # bijzonderheden (7ug8-2dtt)
    Column("body_codes", ARRAY(Text), nullable=False, server_default="{}"),  # carrosserie (vezc-m2t6, jhie-znh9)
    Column("inrichting", Text),
    # For the reviewer against cloned plates (merk, handelsbenaming, eerste_kleur); never read into the
    # in-memory index, so last: `rdw_next (LIKE vehicles)` and `SELECT n.*` keep this column order.
    Column("make", String(100)),
    Column("model", String(100)),
    Column("colour", String(40)),
)

# Staging for `anpr vehicles import`: each RDW file is copied into its own table, then `vehicles` is
# rebuilt from them in one transaction. UNLOGGED: a crash only loses a half-finished import, never the
# registry, and millions of rows skip the WAL. `line` (line in the file) makes the first row of a
# duplicated plate win deterministically.
rdw_base = Table(
    "rdw_base",
    metadata,
    Column("line", Integer, nullable=False),
    Column("plate", String(16), nullable=False),
    Column("kind", String(60), nullable=False),
    Column("category", String(10)),
    Column("inrichting", Text),
    Column("first_admission", Date),
    Column("max_mass_kg", Integer),
    Column("empty_mass_kg", Integer),
    Column("make", String(100)),
    Column("model", String(100)),
    Column("colour", String(40)),
    prefixes=["UNLOGGED"],
)

rdw_fuel = Table(
    "rdw_fuel",
    metadata,
    Column("line", Integer, nullable=False),
    Column("plate", String(16), nullable=False),
    Column("seq", Integer),
    Column("fuel", String(40), nullable=False),
    Column("emission_class", SmallInteger),
    prefixes=["UNLOGGED"],
)

rdw_special = Table(
    "rdw_special",
    metadata,
    Column("line", Integer, nullable=False),
    Column("plate", String(16), nullable=False),
    Column("code", Text, nullable=False),
    prefixes=["UNLOGGED"],
)

rdw_body = Table(
    "rdw_body",
    metadata,
    Column("line", Integer, nullable=False),
    Column("plate", String(16), nullable=False),
    Column("code", Text, nullable=False),
    prefixes=["UNLOGGED"],
)

# Aggregates only: no plate, no read id. This is all that survives a no-hit.
outcome_counts = Table(
    "outcome_counts",
    metadata,
    Column("regime_id", String(100), primary_key=True),
    Column("location_id", String(100), primary_key=True),
    Column("hour", DateTime(timezone=True), primary_key=True),
    Column("outcome", String(30), primary_key=True),
    Column("count", BigInteger, nullable=False),
)

# One row per registry version (`anpr vehicles import` adds one): the token tells a snapshot of this
# database's version N from one of another database's; `delta`: its changed plates are in vehicle_changes.
registry_versions = Table(
    "registry_versions",
    metadata,
    Column("version", BigInteger, primary_key=True),
    Column("token", String(36), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("vehicles", BigInteger, nullable=False),
    Column("delta", Boolean, nullable=False),
)

# The plates an import added, changed or removed, per version: how instances follow a daily update
# without a full reload. Kept for the last versions only (`registry_versions.KEEP_CHANGES`).
vehicle_changes = Table(
    "vehicle_changes",
    metadata,
    Column("version", BigInteger, primary_key=True),
    Column("plate", String(16), primary_key=True),
)
