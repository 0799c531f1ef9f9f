"""an application's steps say what they did: `status` (the status moved) or `paid` (the fee recorded as
paid, with who recorded it)

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None
S = "exemptions"


def upgrade() -> None:
    op.add_column(
        "application_steps", sa.Column("action", sa.String(20), nullable=False, server_default="status"), schema=S
    )


def downgrade() -> None:
    op.drop_column("application_steps", "action", schema=S)
