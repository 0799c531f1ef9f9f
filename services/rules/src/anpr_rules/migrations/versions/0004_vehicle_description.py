"""vehicle registry: make, model and colour (RDW merk, handelsbenaming, eerste_kleur) for the reviewer

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None
S = "rules"
# Nullable and without a default: adding them rewrites no row of a national registry; vehicles imported
# before this stay undescribed until the next `anpr vehicles import`.
COLUMNS = (("make", 100), ("model", 100), ("colour", 40))


def upgrade() -> None:
    for table in ("vehicles", "rdw_base"):
        for name, length in COLUMNS:
            op.add_column(table, sa.Column(name, sa.String(length)), schema=S)


def downgrade() -> None:
    for table in ("rdw_base", "vehicles"):
        for name, _ in reversed(COLUMNS):
            op.drop_column(table, name, schema=S)
