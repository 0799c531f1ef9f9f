from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, Integer, MetaData, String, Table
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
)

exemption_index = Table(
    "exemption_index",
    metadata,
    Column("exemption_id", String(100), primary_key=True),
    Column("plate_key", String(128), nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("regimes", ARRAY(String(100)), nullable=False),
    Column("valid_from", DateTime(timezone=True), nullable=False),
    Column("valid_until", DateTime(timezone=True)),
    Column("revoked", Boolean, nullable=False),
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
