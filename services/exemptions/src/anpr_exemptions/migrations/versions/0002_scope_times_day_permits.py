"""zones, daily times and day permits on permits; before/after state in the audit trail

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None
S = "exemptions"


def upgrade() -> None:
    op.add_column(
        "exemptions", sa.Column("zones", ARRAY(sa.String(100)), nullable=False, server_default="{}"), schema=S
    )
    op.add_column("exemptions", sa.Column("daily_from", sa.Time), schema=S)
    op.add_column("exemptions", sa.Column("daily_until", sa.Time), schema=S)
    op.add_column("exemptions", sa.Column("permit_day", sa.Date), schema=S)
    op.add_column("exemptions", sa.Column("municipality", sa.String(100)), schema=S)
    # The service checks these too; the database keeps them true whatever writes to it.
    op.create_check_constraint(
        "ck_exemptions_daily_pair", "exemptions", "(daily_from IS NULL) = (daily_until IS NULL)", schema=S
    )
    op.create_check_constraint(
        "ck_exemptions_period", "exemptions", "valid_until IS NULL OR valid_until > valid_from", schema=S
    )
    # One live day permit per vehicle per day; also the index the yearly quota count uses.
    op.create_index(
        "uq_exemptions_day_permit",
        "exemptions",
        ["municipality", "plate", "permit_day"],
        unique=True,
        schema=S,
        postgresql_where=sa.text("kind = 'day-permit' AND NOT revoked"),
    )
    op.add_column("audit", sa.Column("before", JSONB), schema=S)
    op.add_column("audit", sa.Column("after", JSONB), schema=S)
    op.create_index("ix_audit_exemption", "audit", ["exemption_id", "audit_id"], schema=S)


def downgrade() -> None:
    op.drop_index("ix_audit_exemption", table_name="audit", schema=S)
    op.drop_column("audit", "after", schema=S)
    op.drop_column("audit", "before", schema=S)
    op.drop_index("uq_exemptions_day_permit", table_name="exemptions", schema=S)
    op.drop_constraint("ck_exemptions_period", "exemptions", schema=S)
    op.drop_constraint("ck_exemptions_daily_pair", "exemptions", schema=S)
    for column in ("municipality", "permit_day", "daily_until", "daily_from", "zones"):
        op.drop_column("exemptions", column, schema=S)
