"""camera tokens (hashes only) and camera health: per-minute frame outcomes and the last clock reading

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None
S = "ingest"


def upgrade() -> None:
    op.create_table(
        "camera_tokens",
        sa.Column("token_id", sa.String(36), primary_key=True),
        sa.Column("camera_id", sa.String(100), sa.ForeignKey(f"{S}.cameras.camera_id"), nullable=False, index=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("label", sa.String(200), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True)),
        schema=S,
    )
    op.create_table(
        "camera_minutes",
        sa.Column("camera_id", sa.String(100), primary_key=True),
        sa.Column("minute", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("outcome", sa.String(20), primary_key=True),
        sa.Column("frames", sa.Integer, nullable=False),
        schema=S,
    )
    op.create_index("ix_camera_minutes_minute", "camera_minutes", ["minute"], schema=S)
    op.create_table(
        "camera_status",
        sa.Column("camera_id", sa.String(100), sa.ForeignKey(f"{S}.cameras.camera_id"), primary_key=True),
        sa.Column("last_frame_at", sa.DateTime(timezone=True)),
        sa.Column("clock_skew_seconds", sa.Float),
        sa.Column("skew_measured_at", sa.DateTime(timezone=True)),
        schema=S,
    )


def downgrade() -> None:
    for table in ("camera_status", "camera_minutes", "camera_tokens"):
        op.drop_table(table, schema=S)
