from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)
from sqlalchemy.dialects.postgresql import JSONB, UUID

metadata = MetaData(schema="notices")

candidates = Table(
    "candidates",
    metadata,
    Column("candidate_id", UUID(as_uuid=True), primary_key=True),
    Column("candidate_key", String(200), nullable=False, unique=True),  # redelivery never duplicates
    Column("status", String(20), nullable=False, index=True),
    Column("regime_id", String(100), nullable=False, index=True),
    Column("regime_version", String(50), nullable=False),
    Column("mode", String(20), nullable=False),
    Column("legal_reference", Text, nullable=False),
    Column("fine_eur", Float),
    Column("plate", String(16), nullable=False),
    Column("formatted", String(20)),
    Column("country", String(3)),
    Column("confidence", Float, nullable=False),
    Column("observed_at", DateTime(timezone=True), nullable=False),
    Column("camera_id", String(100)),
    Column("location_id", String(100), index=True),
    Column("box", JSONB),
    Column("explanation", JSONB, nullable=False),
    Column("vehicle", JSONB, nullable=False),
    # False: review only (foreign plate in a ZE zone, no vehicle data); never an automatic notice.
    Column("enforceable", Boolean, nullable=False, server_default="true"),
    Column("exemptions_checked", JSONB, nullable=False, server_default="[]"),
    Column("correlation_id", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("decided_by", String(100)),
    Column("decided_at", DateTime(timezone=True)),
    Column("reason", String(40)),
    Column("reason_text", Text),
    Column("corrected_plate", String(16)),
)

evidence = Table(
    "evidence",
    metadata,
    Column(
        "candidate_id",
        UUID(as_uuid=True),
        ForeignKey("notices.candidates.candidate_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("kind", String(20), primary_key=True),  # plate | overview
    Column("jpeg", LargeBinary, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("audit_id", BigInteger, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("actor", String(100), nullable=False),
    Column("action", String(60), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("reason", Text, nullable=False),
)
