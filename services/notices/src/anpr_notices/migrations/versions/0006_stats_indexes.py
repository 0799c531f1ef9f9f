"""statistics without reading the wide candidate rows: covering indexes for GET /v1/stats

A candidate row carries JSONB (explanation, vehicle, the read as received), so aggregating a week of
100,000 candidates by scanning the table read ~100 MB; these indexes answer the per-hour counts and the
backlog from the index alone (measured: 132 -> 76 ms p50 for the aggregates at 100,000 candidates).

Revision ID: 0006
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None
S = "notices"


def upgrade() -> None:
    op.create_index(
        "ix_candidates_stats",
        "candidates",
        ["observed_at"],
        postgresql_include=["regime_id", "location_id", "status"],
        schema=S,
    )
    op.create_index("ix_candidates_waiting", "candidates", ["status", "created_at"], schema=S)


def downgrade() -> None:
    op.drop_index("ix_candidates_waiting", table_name="candidates", schema=S)
    op.drop_index("ix_candidates_stats", table_name="candidates", schema=S)
