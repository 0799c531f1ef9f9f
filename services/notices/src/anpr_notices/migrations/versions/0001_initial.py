"""candidates with evidence, audit log

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None
S = "notices"


def upgrade() -> None:
    op.create_table(
        "candidates",
        sa.Column("candidate_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("candidate_key", sa.String(200), nullable=False, unique=True),
        sa.Column("status", sa.String(20), nullable=False, index=True),
        sa.Column("regime_id", sa.String(100), nullable=False, index=True),
        sa.Column("regime_version", sa.String(50), nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("legal_reference", sa.Text, nullable=False),
        sa.Column("fine_eur", sa.Float),
        sa.Column("plate", sa.String(16), nullable=False),
        sa.Column("formatted", sa.String(20)),
        sa.Column("country", sa.String(3)),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("observed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("camera_id", sa.String(100)),
        sa.Column("location_id", sa.String(100), index=True),
        sa.Column("box", JSONB),
        sa.Column("explanation", JSONB, nullable=False),
        sa.Column("vehicle", JSONB, nullable=False),
        sa.Column("correlation_id", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(100)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("reason", sa.String(40)),
        sa.Column("reason_text", sa.Text),
        sa.Column("corrected_plate", sa.String(16)),
        schema=S,
    )
    op.create_table(
        "evidence",
        sa.Column(
            "candidate_id",
            UUID(as_uuid=True),
            sa.ForeignKey(f"{S}.candidates.candidate_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("jpeg", sa.LargeBinary, nullable=False),
        schema=S,
    )
    op.create_table(
        "audit_log",
        sa.Column("audit_id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        schema=S,
    )


def downgrade() -> None:
    for table in ("audit_log", "evidence", "candidates"):
        op.drop_table(table, schema=S)
