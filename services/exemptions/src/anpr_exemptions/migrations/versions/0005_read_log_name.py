"""the read log's table is `read_log`: `reads` reads as plate reads in an ANPR system

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None
S = "exemptions"


def upgrade() -> None:
    op.rename_table("reads", "read_log", schema=S)
    op.execute(f"ALTER INDEX {S}.ix_reads_at RENAME TO ix_read_log_at")
    op.execute(f"ALTER INDEX {S}.ix_reads_plate_key RENAME TO ix_read_log_plate_key")


def downgrade() -> None:
    op.execute(f"ALTER INDEX {S}.ix_read_log_plate_key RENAME TO ix_reads_plate_key")
    op.execute(f"ALTER INDEX {S}.ix_read_log_at RENAME TO ix_reads_at")
    op.rename_table("read_log", "reads", schema=S)
