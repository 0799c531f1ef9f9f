"""locations: zone, direction, C-sign and prosecutor's consent; placements: one open per camera

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None
S = "ingest"


def upgrade() -> None:
    op.add_column("locations", sa.Column("zone_id", sa.String(100)), schema=S)
    op.add_column("locations", sa.Column("direction", sa.String(10)), schema=S)
    op.add_column("locations", sa.Column("sign", sa.String(20)), schema=S)
    op.add_column("locations", sa.Column("consent_reference", sa.String(200)), schema=S)
    op.create_check_constraint("ck_locations_direction", "locations", "direction IN ('entry', 'exit')", schema=S)
    # 0001's appends only ever closed a placement at a later start, so existing rows satisfy both.
    op.create_check_constraint(
        "ck_placements_period", "placements", "valid_until IS NULL OR valid_until > valid_from", schema=S
    )
    op.create_index(
        "uq_placements_open",
        "placements",
        ["camera_id"],
        unique=True,
        schema=S,
        postgresql_where=sa.text("valid_until IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_placements_open", "placements", schema=S)
    op.drop_constraint("ck_placements_period", "placements", schema=S)
    op.drop_constraint("ck_locations_direction", "locations", schema=S)
    for column in ("consent_reference", "sign", "direction", "zone_id"):
        op.drop_column("locations", column, schema=S)
