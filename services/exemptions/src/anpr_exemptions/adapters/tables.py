from sqlalchemy import BigInteger, Boolean, Column, DateTime, MetaData, String, Table
from sqlalchemy.dialects.postgresql import ARRAY

metadata = MetaData(schema="exemptions")

exemptions = Table(
    "exemptions",
    metadata,
    Column("exemption_id", String(100), primary_key=True),
    Column("plate", String(16), nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("regimes", ARRAY(String(100)), nullable=False),
    Column("valid_from", DateTime(timezone=True), nullable=False),
    Column("valid_until", DateTime(timezone=True)),
    Column("reference", String(200), nullable=False),
    Column("issuer", String(200), nullable=False),
    Column("revoked", Boolean, nullable=False),
)

audit = Table(
    "audit",
    metadata,
    Column("audit_id", BigInteger, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("actor", String(100), nullable=False),
    Column("action", String(40), nullable=False),
    Column("exemption_id", String(100), nullable=False),
)
