"""the monthly reminder run: one record per month, one reminder per vehicle and regime in it

Revision ID: 0005
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None
S = "notices"


def upgrade() -> None:
    op.create_table(
        "reminder_runs",
        sa.Column("month", sa.String(7), primary_key=True),
        sa.Column("first_run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_run_by", sa.String(100), nullable=False),
        sa.Column("first_run_by_name", sa.String(200)),
        sa.Column("last_run_at", sa.DateTime(timezone=True), nullable=False),
        schema=S,
    )
    op.create_table(
        "reminders",
        sa.Column(
            "month",
            sa.String(7),
            sa.ForeignKey(f"{S}.reminder_runs.month", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("vehicle_key", sa.String(64), primary_key=True),
        sa.Column("regime_id", sa.String(100), primary_key=True),
        sa.Column("warning_id", UUID(as_uuid=True), nullable=False),
        sa.Column("warned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("seen_id", UUID(as_uuid=True), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        schema=S,
    )


def downgrade() -> None:
    op.drop_table("reminders", schema=S)
    op.drop_table("reminder_runs", schema=S)
