"""the read log (who read permit data, why, when) and an index for the retention purge

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None
S = "exemptions"


def upgrade() -> None:
    op.create_table(
        "reads",
        sa.Column("read_id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("actor_name", sa.String(200), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("purpose", sa.String(200), nullable=False),
        sa.Column("plate_key", sa.String(100)),
        sa.Column("exemption_ids", ARRAY(sa.String(100)), nullable=False),
        schema=S,
    )
    op.create_index("ix_reads_at", "reads", ["at"], schema=S)
    op.create_index("ix_reads_plate_key", "reads", ["plate_key"], schema=S)
    op.create_index("ix_exemptions_valid_until", "exemptions", ["valid_until"], schema=S)


def downgrade() -> None:
    op.drop_index("ix_exemptions_valid_until", "exemptions", schema=S)
    op.drop_table("reads", schema=S)
