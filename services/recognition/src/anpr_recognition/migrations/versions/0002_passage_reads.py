"""reads waiting for their vehicle passage to close

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None
S = "recognition"


def upgrade() -> None:
    op.create_table(
        "passage_reads",
        sa.Column("read_id", sa.Uuid, primary_key=True),
        sa.Column("passage_id", sa.Uuid, nullable=False, index=True),
        sa.Column("camera_id", sa.String(100), nullable=False),
        sa.Column("plate", sa.String(16), nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("event", sa.LargeBinary, nullable=False),
        schema=S,
    )
    op.create_index("ix_passage_reads_camera_observed", "passage_reads", ["camera_id", "observed_at"], schema=S)


def downgrade() -> None:
    op.drop_table("passage_reads", schema=S)
