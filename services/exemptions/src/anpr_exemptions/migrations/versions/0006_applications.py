"""the permit counter: applications, their steps, their documents, and the status-mail outbox

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None
S = "exemptions"


def upgrade() -> None:
    op.create_table(
        "applications",
        sa.Column("application_id", sa.String(100), primary_key=True),
        sa.Column("number", sa.String(40), nullable=False, unique=True),
        sa.Column("applicant", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("plate", sa.String(16), nullable=False),
        sa.Column("status", sa.String(40), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("fee_cents", sa.Integer, nullable=False),
        sa.Column("payment_reference", sa.String(40), nullable=False, unique=True),
        sa.Column("permit_day", sa.Date),
        sa.Column("details", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("exemption_id", sa.String(100)),
        schema=S,
    )
    op.create_index("ix_applications_applicant", "applications", ["applicant"], schema=S)
    op.create_index("ix_applications_status", "applications", ["status", "submitted_at"], schema=S)
    op.create_index(
        "uq_applications_open",
        "applications",
        ["applicant", "plate", "kind"],
        unique=True,
        schema=S,
        postgresql_where=sa.text("status IN ('submitted', 'needs_information')"),
    )
    op.create_table(
        "application_steps",
        sa.Column("step_id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column(
            "application_id",
            sa.String(100),
            sa.ForeignKey(f"{S}.applications.application_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("actor_name", sa.String(200), nullable=False),
        sa.Column("from_status", sa.String(40)),
        sa.Column("to_status", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        schema=S,
    )
    op.create_index("ix_application_steps", "application_steps", ["application_id", "step_id"], schema=S)
    op.create_table(
        "application_documents",
        sa.Column("document_id", sa.String(100), primary_key=True),
        sa.Column(
            "application_id",
            sa.String(100),
            sa.ForeignKey(f"{S}.applications.application_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        schema=S,
    )
    op.create_index("ix_application_documents_application_id", "application_documents", ["application_id"], schema=S)
    op.create_table(
        "mail_outbox",
        sa.Column("mail_id", sa.BigInteger, primary_key=True, autoincrement=True),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("text_body", sa.Text, nullable=False),
        sa.Column("html_body", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(200)),
        schema=S,
    )
    op.create_index("ix_mail_outbox_next_attempt_at", "mail_outbox", ["next_attempt_at"], schema=S)


def downgrade() -> None:
    op.drop_table("mail_outbox", schema=S)
    op.drop_table("application_documents", schema=S)
    op.drop_table("application_steps", schema=S)
    op.drop_table("applications", schema=S)
