"""frames_seen: a frame id is claimed with a lease and marked delivered once Kafka acknowledged it

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None
S = "ingest"


def upgrade() -> None:
    # Rows written before this revision were committed only after their publish: all delivered.
    op.add_column("frames_seen", sa.Column("delivered", sa.Boolean, nullable=False, server_default=sa.true()), schema=S)
    op.add_column("frames_seen", sa.Column("lease_until", sa.DateTime(timezone=True)), schema=S)


def downgrade() -> None:
    op.drop_column("frames_seen", "lease_until", schema=S)
    op.drop_column("frames_seen", "delivered", schema=S)
