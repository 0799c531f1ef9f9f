"""candidates say whether they may become a notice at all, and which exemptions rules checked

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None
S = "notices"


def upgrade() -> None:
    op.add_column("candidates", sa.Column("enforceable", sa.Boolean, nullable=False, server_default="true"), schema=S)
    op.add_column("candidates", sa.Column("exemptions_checked", JSONB, nullable=False, server_default="[]"), schema=S)


def downgrade() -> None:
    op.drop_column("candidates", "exemptions_checked", schema=S)
    op.drop_column("candidates", "enforceable", schema=S)
