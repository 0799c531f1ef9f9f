"""processed frames (idempotency)

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None
S = "recognition"


def upgrade() -> None:
    op.create_table(
        "processed_frames",
        sa.Column("camera_id", sa.String(100), primary_key=True),
        sa.Column("frame_id", sa.String(200), primary_key=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("plates", sa.Integer, nullable=False),
        schema=S,
    )


def downgrade() -> None:
    op.drop_table("processed_frames", schema=S)
