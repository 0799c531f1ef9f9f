from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table

metadata = MetaData(schema="recognition")

# Frames already turned into reads: ids and a count only, no image and no plate.
processed_frames = Table(
    "processed_frames",
    metadata,
    Column("camera_id", String(100), primary_key=True),
    Column("frame_id", String(200), primary_key=True),
    Column("processed_at", DateTime(timezone=True), nullable=False, index=True),
    Column("plates", Integer, nullable=False),
)
