"""cameras, locations, placements, frame idempotency

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None
S = "ingest"


def upgrade() -> None:
    op.create_table(
        "cameras",
        sa.Column("camera_id", sa.String(100), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("description", sa.String(500), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        schema=S,
    )
    op.create_table(
        "locations",
        sa.Column("location_id", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("regimes", ARRAY(sa.String(100)), nullable=False),
        schema=S,
    )
    op.create_table(
        "placements",
        sa.Column("placement_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("camera_id", sa.String(100), sa.ForeignKey(f"{S}.cameras.camera_id"), nullable=False, index=True),
        sa.Column("location_id", sa.String(100), sa.ForeignKey(f"{S}.locations.location_id"), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True)),
        schema=S,
    )
    op.create_table(
        "frames_seen",
        sa.Column("camera_id", sa.String(100), primary_key=True),
        sa.Column("frame_id", sa.String(200), primary_key=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False, index=True),
        schema=S,
    )


def downgrade() -> None:
    for table in ("frames_seen", "placements", "locations", "cameras"):
        op.drop_table(table, schema=S)
