"""review workflow: decision history, four-eyes, plate corrections, issuing, export batches, retention

Earlier decisions move from columns on `candidates` into `decisions`; the retention clock of existing
rows starts at their decision (or arrival). Legacy `accepted` rows stay `accepted` (never issued).

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None
S = "notices"
QUEUE_INDEXES = {
    "ix_candidates_queue": ["status", "observed_at", "candidate_id"],
    "ix_candidates_regime_queue": ["regime_id", "status", "observed_at", "candidate_id"],
    "ix_candidates_location_queue": ["location_id", "status", "observed_at", "candidate_id"],
    "ix_candidates_observed": ["observed_at", "candidate_id"],
    "ix_candidates_retention": ["status", "retention_from"],
    "ix_candidates_vehicle": ["vehicle_key", "regime_id"],
    "ix_candidates_export_batch": ["export_batch_id"],
}


def upgrade() -> None:
    op.create_table(
        "export_batches",
        sa.Column("batch_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("notices", sa.Integer, nullable=False),
        sa.Column("warnings", sa.Integer, nullable=False),
        schema=S,
    )
    op.alter_column("candidates", "status", type_=sa.String(30), schema=S)
    for column in (
        sa.Column("vehicle_key", sa.String(64)),
        sa.Column("read_event", JSONB),
        sa.Column("retention_from", sa.DateTime(timezone=True)),
        sa.Column("issued_at", sa.DateTime(timezone=True)),
        sa.Column("issued_as", sa.String(10)),
        sa.Column("export_batch_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.export_batches.batch_id")),
        sa.Column(
            "replaces_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.candidates.candidate_id", ondelete="SET NULL")
        ),
        sa.Column(
            "replaced_by_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.candidates.candidate_id", ondelete="SET NULL")
        ),
    ):
        op.add_column("candidates", column, schema=S)
    op.execute("UPDATE notices.candidates SET retention_from = coalesce(decided_at, created_at)")
    op.alter_column("candidates", "retention_from", nullable=False, schema=S)

    op.create_table(
        "decisions",
        sa.Column("decision_id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column(
            "candidate_id",
            UUID(as_uuid=True),
            sa.ForeignKey(f"{S}.candidates.candidate_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(100), nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("reason", sa.String(40)),
        sa.Column("reason_text", sa.Text),
        sa.Column("corrected_plate", sa.String(16)),
        schema=S,
    )
    op.execute(
        """INSERT INTO notices.decisions (candidate_id, at, by, decision, reason, reason_text, corrected_plate)
        SELECT candidate_id, decided_at, decided_by,
               CASE status WHEN 'accepted' THEN 'accept' ELSE 'reject' END, reason, reason_text, corrected_plate
        FROM notices.candidates WHERE decided_by IS NOT NULL"""
    )
    for name in ("decided_by", "decided_at", "reason", "reason_text", "corrected_plate"):
        op.drop_column("candidates", name, schema=S)

    for name in ("status", "regime_id", "location_id"):
        op.drop_index(f"ix_notices_candidates_{name}", table_name="candidates", schema=S)
    for name, columns in QUEUE_INDEXES.items():
        op.create_index(name, "candidates", columns, schema=S)
    op.create_index("ix_decisions_candidate", "decisions", ["candidate_id", "at"], schema=S)
    op.create_index("ix_decisions_at", "decisions", ["at"], schema=S)
    op.create_index("ix_audit_log_actor", "audit_log", ["actor", "at"], schema=S)
    op.create_index("ix_audit_log_subject", "audit_log", ["subject", "at"], schema=S)


def downgrade() -> None:
    op.drop_index("ix_audit_log_subject", table_name="audit_log", schema=S)
    op.drop_index("ix_audit_log_actor", table_name="audit_log", schema=S)
    for name in QUEUE_INDEXES:
        op.drop_index(name, table_name="candidates", schema=S)
    for name in ("status", "regime_id", "location_id"):
        op.create_index(f"ix_notices_candidates_{name}", "candidates", [name], schema=S)
    op.add_column("candidates", sa.Column("decided_by", sa.String(100)), schema=S)
    op.add_column("candidates", sa.Column("decided_at", sa.DateTime(timezone=True)), schema=S)
    op.add_column("candidates", sa.Column("reason", sa.String(40)), schema=S)
    op.add_column("candidates", sa.Column("reason_text", sa.Text), schema=S)
    op.add_column("candidates", sa.Column("corrected_plate", sa.String(16)), schema=S)
    # The last decision of each candidate goes back into the columns; the earlier ones of a four-eyes
    # pair have no place there.
    op.execute(
        """UPDATE notices.candidates c SET decided_by = d.by, decided_at = d.at, reason = d.reason,
               reason_text = d.reason_text, corrected_plate = d.corrected_plate
        FROM (SELECT DISTINCT ON (candidate_id) * FROM notices.decisions ORDER BY candidate_id, at DESC) d
        WHERE d.candidate_id = c.candidate_id"""
    )
    op.drop_table("decisions", schema=S)
    for name in (
        "replaced_by_id",
        "replaces_id",
        "export_batch_id",
        "issued_as",
        "issued_at",
        "retention_from",
        "read_event",
        "vehicle_key",
    ):
        op.drop_column("candidates", name, schema=S)
    op.drop_table("export_batches", schema=S)
    # The old workflow knew pending, accepted and rejected only: map the new statuses onto those.
    op.execute(
        """UPDATE notices.candidates SET status = CASE
               WHEN status IN ('accepted_no_notice', 'notice_issued', 'warning_issued', 'exported') THEN 'accepted'
               WHEN status = 'awaiting_second_review' THEN 'pending'
               ELSE 'rejected' END
        WHERE status NOT IN ('pending', 'accepted', 'rejected')"""
    )
    op.alter_column("candidates", "status", type_=sa.String(20), schema=S)
