from sqlalchemy import Column, DateTime, ForeignKey, Integer, MetaData, String, Table
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
)

placements = Table(
    "placements",
    metadata,
    Column("placement_id", Integer, primary_key=True, autoincrement=True),
    Column("camera_id", String(100), ForeignKey("ingest.cameras.camera_id"), nullable=False, index=True),
    Column("location_id", String(100), ForeignKey("ingest.locations.location_id"), nullable=False),
    Column("valid_from", DateTime(timezone=True), nullable=False),
    Column("valid_until", DateTime(timezone=True)),
)

# Idempotency of POST /v1/frames: ids only, no image and no plate.
frames_seen = Table(
    "frames_seen",
    metadata,
    Column("camera_id", String(100), primary_key=True),
    Column("frame_id", String(200), primary_key=True),
    Column("accepted_at", DateTime(timezone=True), nullable=False, index=True),
)
