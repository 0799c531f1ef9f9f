from sqlalchemy import BigInteger, Boolean, Column, Date, DateTime, Index, MetaData, String, Table, Time, text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

metadata = MetaData(schema="exemptions")

exemptions = Table(
    "exemptions",
    metadata,
    Column("exemption_id", String(100), primary_key=True),
    Column("plate", String(16), nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("regimes", ARRAY(String(100)), nullable=False),
    Column("zones", ARRAY(String(100)), nullable=False, server_default=text("'{}'")),
    Column("valid_from", DateTime(timezone=True), nullable=False),
    Column("valid_until", DateTime(timezone=True)),
    Column("daily_from", Time),
    Column("daily_until", Time),
    Column("permit_day", Date),
    Column("municipality", String(100)),
    Column("reference", String(200), nullable=False),
    Column("issuer", String(200), nullable=False),
    Column("revoked", Boolean, nullable=False),
    Index("ix_exemptions_valid_until", "valid_until"),  # the retention purge
    Index(
        "uq_exemptions_day_permit",
        "municipality",
        "plate",
        "permit_day",
        unique=True,
        postgresql_where=text("kind = 'day-permit' AND NOT revoked"),
    ),
)

audit = Table(
    "audit",
    metadata,
    Column("audit_id", BigInteger, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(100), nullable=False),  # the stable subject (OIDC `sub` or a machine's name)
    Column("actor_name", String(200)),
    Column("action", String(40), nullable=False),
    Column("exemption_id", String(100), nullable=False),
    Column("before", JSONB(none_as_null=True)),
    Column("after", JSONB(none_as_null=True)),
    Index("ix_audit_exemption", "exemption_id", "audit_id"),
)

# Who read permit data, why and when (issue 17): the vehicle as its keyed pseudonym, never the plate.
read_log = Table(
    "read_log",
    metadata,
    Column("read_id", BigInteger, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("actor", String(100), nullable=False),
    Column("actor_name", String(200), nullable=False),
    Column("action", String(40), nullable=False),
    Column("purpose", String(200), nullable=False),
    Column("plate_key", String(100), index=True),
    Column("exemption_ids", ARRAY(String(100)), nullable=False),
)
