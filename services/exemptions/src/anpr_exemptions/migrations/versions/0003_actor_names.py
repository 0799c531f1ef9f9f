"""the display name of whoever changed a permit, beside the stable subject already in `actor`

Nullable: entries written before were made by tokens whose names nobody recorded.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None
S = "exemptions"


def upgrade() -> None:
    op.add_column("audit", sa.Column("actor_name", sa.String(200)), schema=S)


def downgrade() -> None:
    op.drop_column("audit", "actor_name", schema=S)
