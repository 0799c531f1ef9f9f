from sqlalchemy import Column, DateTime, Float, Index, Integer, LargeBinary, MetaData, String, Table, Uuid

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

# Reads waiting for their passage to close (see domain.passages). A row lives only for the passage window:
# it is deleted when the passage's one read is published, so no plate stays here after emission.
passage_reads = Table(
    "passage_reads",
    metadata,
    Column("read_id", Uuid, primary_key=True),
    Column("passage_id", Uuid, nullable=False, index=True),
    Column("camera_id", String(100), nullable=False),
    Column("plate", String(16), nullable=False),
    Column("confidence", Float, nullable=False),
    Column("observed_at", DateTime(timezone=True), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, index=True),
    Column("event", LargeBinary, nullable=False),  # the PlateRecognized as published, evidence included
    Index("ix_passage_reads_camera_observed", "camera_id", "observed_at"),
)
