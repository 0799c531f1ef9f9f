"""permits and their audit trail

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None
S = "exemptions"


def upgrade() -> None:
    op.create_table(
        "exemptions",
        sa.Column("exemption_id", sa.String(100), primary_key=True),
        sa.Column("plate", sa.String(16), nullable=False, index=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("regimes", ARRAY(sa.String(100)), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True)),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("issuer", sa.String(200), nullable=False),
        sa.Column("revoked", sa.Boolean, nullable=False),
        schema=S,
    )
    op.create_table(
        "audit",
        sa.Column("audit_id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("exemption_id", sa.String(100), nullable=False),
        schema=S,
    )


def downgrade() -> None:
    op.drop_table("audit", schema=S)
    op.drop_table("exemptions", schema=S)
