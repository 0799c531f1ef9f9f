"""Re-driving dead letters after a fix: the original key and value go back to the original topic, marked
with the dead letter they came from, at most once per dead letter.

Why a PostgreSQL table and not a compacted topic for "already replayed": the claim must be atomic. The
claim row is inserted in a transaction that stays open while the message is published (acks=all) and
commits only after the broker acknowledged it; a second replay of the same dead letter, even one running
at the same moment, waits on that row's key and then finds it taken. A compacted topic offers no
check-and-set, so two operators could both replay. A crash between the broker's acknowledgement and the
commit leaves the dead letter unclaimed, so it can be replayed again: a rare duplicate, which the
consumers' idempotent handling absorbs, rather than a lost replay.

The same schema keeps the audit of every look at a dead letter's payload (`anpr dlq show`).
"""

from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import AIOKafkaProducer
from sqlalchemy import BigInteger, Column, DateTime, Integer, MetaData, Table, Text, insert, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from anpr_runtime.dead_letters import REPLAY_HEADER, DeadLetter

SCHEMA = "dlq"
metadata = MetaData(schema=SCHEMA)
replays = Table(
    "replays",
    metadata,
    Column("dlq_topic", Text, primary_key=True),
    Column("dlq_partition", Integer, primary_key=True),
    Column("dlq_offset", BigInteger, primary_key=True),
    Column("topic", Text, nullable=False),
    Column("replayed_offset", BigInteger, nullable=True),
    Column("replayed_at", DateTime(timezone=True), nullable=False),
    Column("actor", Text, nullable=False),
)
payload_views = Table(
    "payload_views",
    metadata,
    Column("viewed_at", DateTime(timezone=True), nullable=False),
    Column("actor", Text, nullable=False),
    Column("purpose", Text, nullable=False),
    Column("dlq_topic", Text, nullable=False),
    Column("dlq_partition", Integer, nullable=False),
    Column("dlq_offset", BigInteger, nullable=False),
)


@dataclass(frozen=True)
class Replayed:
    letter: DeadLetter
    outcome: str  # "replayed", "already replayed" or "refused"
    detail: str


async def prepare(engine: AsyncEngine) -> None:
    """Create the schema on first use (the CLI is no service with migrations); serialised across callers."""
    async with engine.begin() as connection:
        await connection.execute(text("SELECT pg_advisory_xact_lock(hashtext('anpr-dlq-schema'))"))
        await connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"'))
        await connection.run_sync(metadata.create_all)


async def replayed_ids(engine: AsyncEngine, dlq_topic: str) -> set[str]:
    async with engine.connect() as connection:
        rows = await connection.execute(
            select(replays.c.dlq_partition, replays.c.dlq_offset).where(replays.c.dlq_topic == dlq_topic)
        )
        return {f"{partition}:{offset}" for partition, offset in rows}


async def record_payload_view(engine: AsyncEngine, dlq_topic: str, letter_id: str, actor: str, purpose: str) -> None:
    partition, offset = (int(part) for part in letter_id.split(":"))
    async with engine.begin() as connection:
        await connection.execute(
            insert(payload_views).values(
                viewed_at=datetime.now(UTC),
                actor=actor,
                purpose=purpose,
                dlq_topic=dlq_topic,
                dlq_partition=partition,
                dlq_offset=offset,
            )
        )


async def replay(
    letter: DeadLetter, dlq_topic: str, engine: AsyncEngine, producer: AIOKafkaProducer, actor: str
) -> Replayed:
    if not letter.topic:
        return Replayed(letter, "refused", "no dlq.topic header: not written by our consumers")
    if letter.sealed_with is not None:  # a sealed payload must never go back in place of the message
        return Replayed(letter, "refused", "still sealed: open it (dead_letter_seal.open_letter) first")
    async with engine.begin() as connection:
        claim = (
            pg_insert(replays)
            .values(
                dlq_topic=dlq_topic,
                dlq_partition=letter.partition,
                dlq_offset=letter.offset,
                topic=letter.topic,
                replayed_at=datetime.now(UTC),
                actor=actor,
            )
            .on_conflict_do_nothing()
            .returning(replays.c.dlq_offset)
        )
        if (await connection.execute(claim)).first() is None:
            return Replayed(letter, "already replayed", await _earlier(connection, dlq_topic, letter))
        mark = (REPLAY_HEADER, f"{dlq_topic}:{letter.partition}:{letter.offset}".encode())
        headers = [*letter.envelope, mark]
        sent = await producer.send_and_wait(letter.topic, letter.value, key=letter.key, headers=headers)
        await connection.execute(
            replays.update()
            .where(
                replays.c.dlq_topic == dlq_topic,
                replays.c.dlq_partition == letter.partition,
                replays.c.dlq_offset == letter.offset,
            )
            .values(replayed_offset=sent.offset)
        )
    return Replayed(letter, "replayed", f"to {letter.topic} {sent.partition}:{sent.offset}")


async def _earlier(connection: AsyncConnection, dlq_topic: str, letter: DeadLetter) -> str:
    row = (
        await connection.execute(
            select(replays.c.replayed_at, replays.c.actor).where(
                replays.c.dlq_topic == dlq_topic,
                replays.c.dlq_partition == letter.partition,
                replays.c.dlq_offset == letter.offset,
            )
        )
    ).one()
    return f"on {row.replayed_at.isoformat(timespec='seconds')} by {row.actor}"
