"""state of the stateful rules; the permit index moves to memory (rebuilt from the compacted topic)

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, UUID

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None
S = "rules"


def upgrade() -> None:
    op.create_table(
        "candidate_marks",
        sa.Column("vehicle_key", sa.String(64), primary_key=True),
        sa.Column("regime_id", sa.String(100), primary_key=True),
        sa.Column("period", sa.String(20), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
        schema=S,
    )
    op.create_table(
        "stays",
        sa.Column("vehicle_key", sa.String(64), primary_key=True),
        sa.Column("regime_id", sa.String(100), primary_key=True),
        sa.Column("day", sa.String(10), primary_key=True),
        sa.Column("entered_at", sa.DateTime(timezone=True)),
        sa.Column("seconds", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, index=True),
        schema=S,
    )
    op.create_table(
        "rechecks",
        sa.Column("recheck_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("regime_id", sa.String(100), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("read", sa.LargeBinary, nullable=False),
        schema=S,
    )
    op.drop_table("exemption_index", schema=S)


def downgrade() -> None:
    op.create_table(
        "exemption_index",
        sa.Column("exemption_id", sa.String(100), primary_key=True),
        sa.Column("plate_key", sa.String(128), nullable=False, index=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("regimes", ARRAY(sa.String(100)), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True)),
        sa.Column("revoked", sa.Boolean, nullable=False),
        schema=S,
    )
    for table in ("rechecks", "stays", "candidate_marks"):
        op.drop_table(table, schema=S)
