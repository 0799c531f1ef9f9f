"""vehicle registry: special and body codes, inrichting; unlogged staging tables for the RDW import

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None
S = "rules"
STAGING = ("rdw_base", "rdw_fuel", "rdw_special", "rdw_body")


def upgrade() -> None:
    # A server default fills the rows already there: vehicles imported before this know no codes.
    op.add_column("vehicles", sa.Column("special_codes", ARRAY(sa.Text), nullable=False, server_default="{}"), schema=S)
    op.add_column("vehicles", sa.Column("body_codes", ARRAY(sa.Text), nullable=False, server_default="{}"), schema=S)
    op.add_column("vehicles", sa.Column("inrichting", sa.Text), schema=S)
    op.create_table(
        "rdw_base",
        *_line_and_plate(),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("category", sa.String(10)),
        sa.Column("inrichting", sa.Text),
        sa.Column("first_admission", sa.Date),
        sa.Column("max_mass_kg", sa.Integer),
        sa.Column("empty_mass_kg", sa.Integer),
        schema=S,
        prefixes=["UNLOGGED"],
    )
    op.create_table(
        "rdw_fuel",
        *_line_and_plate(),
        sa.Column("seq", sa.Integer),
        sa.Column("fuel", sa.String(40), nullable=False),
        sa.Column("emission_class", sa.SmallInteger),
        schema=S,
        prefixes=["UNLOGGED"],
    )
    for name in ("rdw_special", "rdw_body"):
        op.create_table(
            name, *_line_and_plate(), sa.Column("code", sa.Text, nullable=False), schema=S, prefixes=["UNLOGGED"]
        )


def _line_and_plate() -> tuple[sa.Column[int], sa.Column[str]]:
    """Fresh columns per table: a Column object belongs to one table."""
    return sa.Column("line", sa.Integer, nullable=False), sa.Column("plate", sa.String(16), nullable=False)


def downgrade() -> None:
    for name in STAGING:
        op.drop_table(name, schema=S)
    for column in ("inrichting", "body_codes", "special_codes"):
        op.drop_column("vehicles", column, schema=S)
