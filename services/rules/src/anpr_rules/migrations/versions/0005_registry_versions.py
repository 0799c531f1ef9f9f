"""vehicle registry versions and their changes: running rules instances follow imports by themselves

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None
S = "rules"


def upgrade() -> None:
    op.create_table(
        "registry_versions",
        sa.Column("version", sa.BigInteger, primary_key=True),
        sa.Column("token", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("vehicles", sa.BigInteger, nullable=False),
        sa.Column("delta", sa.Boolean, nullable=False),
        schema=S,
    )
    op.create_table(
        "vehicle_changes",
        sa.Column("version", sa.BigInteger, primary_key=True),
        sa.Column("plate", sa.String(16), primary_key=True),
        schema=S,
    )
    # The registry as it stands is version 1: instances have something to stamp their snapshots with
    # before the first import after this migration (no delta: nothing is known of what came before).
    op.execute(
        "INSERT INTO rules.registry_versions (version, token, vehicles, delta) "
        "SELECT 1, md5(random()::text || clock_timestamp()::text), count(*), false FROM rules.vehicles"
    )


def downgrade() -> None:
    op.drop_table("vehicle_changes", schema=S)
    op.drop_table("registry_versions", schema=S)
