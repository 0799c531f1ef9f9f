"""vehicle registry, exemption index, outcome aggregates

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None
S = "rules"


def upgrade() -> None:
    op.create_table(
        "vehicles",
        sa.Column("plate", sa.String(16), primary_key=True),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("category", sa.String(10)),
        sa.Column("first_admission", sa.Date),
        sa.Column("max_mass_kg", sa.Integer),
        sa.Column("empty_mass_kg", sa.Integer),
        sa.Column("fuels", ARRAY(sa.String(40)), nullable=False),
        sa.Column("emission_class", sa.Integer),
        schema=S,
    )
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
    op.create_table(
        "outcome_counts",
        sa.Column("regime_id", sa.String(100), primary_key=True),
        sa.Column("location_id", sa.String(100), primary_key=True),
        sa.Column("hour", sa.DateTime(timezone=True), primary_key=True),
        sa.Column("outcome", sa.String(30), primary_key=True),
        sa.Column("count", sa.BigInteger, nullable=False),
        schema=S,
    )


def downgrade() -> None:
    for table in ("outcome_counts", "exemption_index", "vehicles"):
        op.drop_table(table, schema=S)
