from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    text,
    true,
)
from sqlalchemy.dialects.postgresql import ARRAY

metadata = MetaData(schema="ingest")

cameras = Table(
    "cameras",
    metadata,
    Column("camera_id", String(100), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("description", String(500), nullable=False, server_default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

locations = Table(
    "locations",
    metadata,
    Column("location_id", String(100), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("regimes", ARRAY(String(100)), nullable=False),
    Column("zone_id", String(100)),
    Column("direction", String(10)),
    Column("sign", String(20)),
    Column("consent_reference", String(200)),
    CheckConstraint("direction IN ('entry', 'exit')", name="ck_locations_direction"),
)

placements = Table(
    "placements",
    metadata,
    Column("placement_id", Integer, primary_key=True, autoincrement=True),
    Column("camera_id", String(100), ForeignKey("ingest.cameras.camera_id"), nullable=False, index=True),
    Column("location_id", String(100), ForeignKey("ingest.locations.location_id"), nullable=False),
    Column("valid_from", DateTime(timezone=True), nullable=False),
    Column("valid_until", DateTime(timezone=True)),
    CheckConstraint("valid_until IS NULL OR valid_until > valid_from", name="ck_placements_period"),
    # Two concurrent appends must not leave a camera standing at two places at once.
    Index("uq_placements_open", "camera_id", unique=True, postgresql_where=text("valid_until IS NULL")),
)

# Idempotency of POST /v1/frames: ids only, no image and no plate.
frames_seen = Table(
    "frames_seen",
    metadata,
    Column("camera_id", String(100), primary_key=True),
    Column("frame_id", String(200), primary_key=True),
    Column("accepted_at", DateTime(timezone=True), nullable=False, index=True),
    Column("delivered", Boolean, nullable=False, server_default=true()),
    Column("lease_until", DateTime(timezone=True)),  # an undelivered claim is someone's until then
)

# Per-camera bearer tokens: the token itself is shown once and never stored, only its SHA-256.
camera_tokens = Table(
    "camera_tokens",
    metadata,
    Column("token_id", String(36), primary_key=True),
    Column("camera_id", String(100), ForeignKey("ingest.cameras.camera_id"), nullable=False, index=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("label", String(200), nullable=False, server_default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

# Camera health: frames per camera, minute and outcome. No FK: unregistered ids share one bucket row.
camera_minutes = Table(
    "camera_minutes",
    metadata,
    Column("camera_id", String(100), primary_key=True),
    Column("minute", DateTime(timezone=True), primary_key=True),
    Column("outcome", String(20), primary_key=True),
    Column("frames", Integer, nullable=False),
    Index("ix_camera_minutes_minute", "minute"),
)

camera_status = Table(
    "camera_status",
    metadata,
    Column("camera_id", String(100), ForeignKey("ingest.cameras.camera_id"), primary_key=True),
    Column("last_frame_at", DateTime(timezone=True)),
    Column("clock_skew_seconds", Float),
    Column("skew_measured_at", DateTime(timezone=True)),
)
