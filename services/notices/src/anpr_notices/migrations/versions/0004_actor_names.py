"""people's names next to their stable identity: audit rows, decisions, export batches

A person's subject (OIDC `sub`) stays in the existing columns, so filters, four-eyes and the API keep
working on it; the display name is added beside it. Rows written before this migration have no name
(NULL): nobody knew it then, and guessing one from the subject would put a wrong name in the trail.

Revision ID: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None
S = "notices"
NAME_COLUMNS = {"audit_log": "actor_name", "decisions": "by_name", "export_batches": "created_by_name"}


def upgrade() -> None:
    for table, column in NAME_COLUMNS.items():
        op.add_column(table, sa.Column(column, sa.String(200)), schema=S)


def downgrade() -> None:
    for table, column in NAME_COLUMNS.items():
        op.drop_column(table, column, schema=S)
