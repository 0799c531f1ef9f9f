from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
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
    Column("status", String(30), nullable=False),
    Column("regime_id", String(100), nullable=False),
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
    Column("location_id", String(100)),
    Column("box", JSONB),
    Column("explanation", JSONB, nullable=False),
    Column("vehicle", JSONB, nullable=False),
    # False: review only (foreign plate in a ZE zone, no vehicle data); never an automatic notice.
    Column("enforceable", Boolean, nullable=False, server_default="true"),
    Column("exemptions_checked", JSONB, nullable=False, server_default="[]"),
    Column("correlation_id", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # Keyed hash of the plate: "first offence" looks for earlier ones without comparing clear plates.
    Column("vehicle_key", String(64)),
    # The read as received, without images (those are in `evidence`): a plate correction sends it back.
    Column("read_event", JSONB),
    # When the candidate entered its retention class (domain/retention.py); the purge counts from here.
    Column("retention_from", DateTime(timezone=True), nullable=False),
    Column("issued_at", DateTime(timezone=True)),
    Column("issued_as", String(10)),  # notice | warning
    Column("export_batch_id", UUID(as_uuid=True), ForeignKey("notices.export_batches.batch_id")),
    Column("replaces_id", UUID(as_uuid=True), ForeignKey("notices.candidates.candidate_id", ondelete="SET NULL")),
    Column("replaced_by_id", UUID(as_uuid=True), ForeignKey("notices.candidates.candidate_id", ondelete="SET NULL")),
    # The queue pages newest first by (observed_at, candidate_id), filtered by status, regime or location.
    Index("ix_candidates_queue", "status", "observed_at", "candidate_id"),
    Index("ix_candidates_regime_queue", "regime_id", "status", "observed_at", "candidate_id"),
    Index("ix_candidates_location_queue", "location_id", "status", "observed_at", "candidate_id"),
    Index("ix_candidates_observed", "observed_at", "candidate_id"),
    # Statistics from the index alone (migration 0006): the rows themselves are wide.
    Index("ix_candidates_stats", "observed_at", postgresql_include=["regime_id", "location_id", "status"]),
    Index("ix_candidates_waiting", "status", "created_at"),
    Index("ix_candidates_retention", "status", "retention_from"),
    Index("ix_candidates_vehicle", "vehicle_key", "regime_id"),
    Index("ix_candidates_export_batch", "export_batch_id"),
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

# Who decided what, when: every reviewer decision, also the first of a four-eyes pair.
decisions = Table(
    "decisions",
    metadata,
    Column("decision_id", BigInteger, primary_key=True, autoincrement=True),
    Column(
        "candidate_id",
        UUID(as_uuid=True),
        ForeignKey("notices.candidates.candidate_id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("by", String(100), nullable=False),  # the stable subject (OIDC `sub`): four-eyes compares it
    Column("by_name", String(200)),  # display name at the time; NULL for decisions before migration 0004
    Column("decision", String(10), nullable=False),  # accept | reject
    Column("reason", String(40)),
    Column("reason_text", Text),
    Column("corrected_plate", String(16)),
    Index("ix_decisions_candidate", "candidate_id", "at"),
    Index("ix_decisions_at", "at"),
)

export_batches = Table(
    "export_batches",
    metadata,
    Column("batch_id", UUID(as_uuid=True), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("created_by_name", String(200)),
    Column("notices", Integer, nullable=False),
    Column("warnings", Integer, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("audit_id", BigInteger, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("actor", String(100), nullable=False),  # the stable subject; the audit filter uses it
    Column("actor_name", String(200)),
    Column("action", String(60), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("reason", Text, nullable=False),
    Index("ix_audit_log_actor", "actor", "at"),
    Index("ix_audit_log_subject", "subject", "at"),
)

# Candidates per UTC hour of observation, regime, location ('' for none) and status, kept exact by a
# trigger on `candidates` (migration 0007): the statistics read these instead of grouping every candidate.
candidate_counts = Table(
    "candidate_counts",
    metadata,
    Column("hour", DateTime(timezone=True), primary_key=True),
    Column("regime_id", String(100), primary_key=True),
    Column("location_id", String(100), primary_key=True),
    Column("status", String(30), primary_key=True),
    Column("count", BigInteger, nullable=False),
)

# The monthly reminder run (domain/reminders.py): a month is recorded once, its reminders once each, so a
# second run of a month adds nothing that was already there. Pseudonymous (vehicle_key): the plate is
# read from the candidate when a run is shown, so the retention purge of candidates also takes it away.
reminder_runs = Table(
    "reminder_runs",
    metadata,
    Column("month", String(7), primary_key=True),  # YYYY-MM
    Column("first_run_at", DateTime(timezone=True), nullable=False),
    Column("first_run_by", String(100), nullable=False),
    Column("first_run_by_name", String(200)),
    Column("last_run_at", DateTime(timezone=True), nullable=False),
)

reminders = Table(
    "reminders",
    metadata,
    Column("month", String(7), ForeignKey("notices.reminder_runs.month", ondelete="CASCADE"), primary_key=True),
    Column("vehicle_key", String(64), primary_key=True),
    Column("regime_id", String(100), primary_key=True),
    Column("warning_id", UUID(as_uuid=True), nullable=False),
    Column("warned_at", DateTime(timezone=True), nullable=False),
    Column("seen_id", UUID(as_uuid=True), nullable=False),
    Column("seen_at", DateTime(timezone=True), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)
