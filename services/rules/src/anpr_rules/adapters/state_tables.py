"""State the stateful rules need. Only pseudonymous vehicle keys; rows are purged when they expire."""

from sqlalchemy import Column, DateTime, Integer, LargeBinary, String, Table
from sqlalchemy.dialects.postgresql import UUID

from anpr_rules.adapters.tables import metadata

# One candidate per vehicle per regime per period: a row exists only for a vehicle that had a candidate.
candidate_marks = Table(
    "candidate_marks",
    metadata,
    Column("vehicle_key", String(64), primary_key=True),
    Column("regime_id", String(100), primary_key=True),
    Column("period", String(20), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
)

# Access windows with a maximum stay: time inside today of permit holders, purged after the day.
stays = Table(
    "stays",
    metadata,
    Column("vehicle_key", String(64), primary_key=True),
    Column("regime_id", String(100), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("entered_at", DateTime(timezone=True)),
    Column("seconds", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False, index=True),
)

# Parking: a read without a parking right, judged again when the grace period ends (then deleted).
rechecks = Table(
    "rechecks",
    metadata,
    Column("recheck_id", UUID(as_uuid=True), primary_key=True),
    Column("regime_id", String(100), nullable=False),
    Column("due_at", DateTime(timezone=True), nullable=False, index=True),
    Column("read", LargeBinary, nullable=False),
)
