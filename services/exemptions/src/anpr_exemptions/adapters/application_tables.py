"""The permit counter's tables (migration 0006), in the exemptions schema next to the permits."""

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    text,
)

from anpr_exemptions.adapters.tables import metadata

applications = Table(
    "applications",
    metadata,
    Column("application_id", String(100), primary_key=True),
    Column("number", String(40), nullable=False, unique=True),
    Column("applicant", String(100), nullable=False, index=True),  # bsn:... / kvk:...
    Column("kind", String(40), nullable=False),
    Column("plate", String(16), nullable=False),
    Column("status", String(40), nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("email", String(320), nullable=False),
    Column("fee_cents", Integer, nullable=False),
    Column("payment_reference", String(40), nullable=False, unique=True),
    Column("permit_day", Date),
    Column("details", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("paid_at", DateTime(timezone=True)),
    Column("decided_at", DateTime(timezone=True)),
    Column("exemption_id", String(100)),
    Index("ix_applications_status", "status", "submitted_at"),  # the desk's queue
    # One open application per applicant, vehicle and kind: a second one is a duplicate (409), also when
    # both arrive at once.
    Index(
        "uq_applications_open",
        "applicant",
        "plate",
        "kind",
        unique=True,
        postgresql_where=text("status IN ('submitted', 'needs_information')"),
    ),
)

application_steps = Table(
    "application_steps",
    metadata,
    Column("step_id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "application_id",
        String(100),
        ForeignKey("exemptions.applications.application_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("actor_name", String(200), nullable=False),
    Column("from_status", String(40)),
    Column("to_status", String(40), nullable=False),
    Column("reason", Text, nullable=False),
    Column("action", String(20), nullable=False, server_default="status"),
    Index("ix_application_steps", "application_id", "step_id"),
)

application_documents = Table(
    "application_documents",
    metadata,
    Column("document_id", String(100), primary_key=True),
    Column(
        "application_id",
        String(100),
        ForeignKey("exemptions.applications.application_id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("content_type", String(40), nullable=False),
    Column("size", Integer, nullable=False),
    Column("uploaded_at", DateTime(timezone=True), nullable=False),
    Column("content", LargeBinary, nullable=False),
)

# Status e-mails not yet handed to the relay: written in the transaction of the change, sent by a
# background loop, deleted once sent (the address is personal data).
mail_outbox = Table(
    "mail_outbox",
    metadata,
    Column("mail_id", BigInteger, primary_key=True, autoincrement=True),
    Column("recipient", String(320), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("text_body", Text, nullable=False),
    Column("html_body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False, server_default=text("0")),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False, index=True),
    Column("last_error", String(200)),
)
