"""What came out of a fault run: candidates in the notices schema, dead letters on the DLQ topic, and any
row anywhere in the run's database that mentions a no-hit plate (in clear or as its pseudonymous key)."""

import asyncio
import json
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from anpr_rules import local_day
from anpr_runtime import dead_letters as runtime_dead_letters
from anpr_runtime.dead_letter_seal import DeadLetterSeal, open_letter
from anpr_runtime.pseudonym import vehicle_key

_TEXT_TYPES = ("text", "character varying", "character", "json", "jsonb", "ARRAY", "bytea")
_HASH = re.compile(r"[0-9a-f]{32}")
_TOKEN = re.compile(r"[A-Z0-9]+")
_DASHED = re.compile(r"(?<![A-Z0-9])[A-Z0-9]{1,3}(?:-[A-Z0-9]{1,3}){2}(?![A-Z0-9])")  # 72-VGX-6


def plain_dsn(database_url: str) -> str:
    return database_url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def backlog(bootstrap: str, groups: dict[str, tuple[str, ...]]) -> int:
    """Messages the consumer groups have not committed yet, over all their topics' partitions."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await admin.start()
    await consumer.start()
    try:
        behind = 0
        for group, topics in groups.items():
            committed = await admin.list_consumer_group_offsets(group)
            partitions = await partitions_of(admin, topics)
            ends = await consumer.end_offsets(partitions)
            for partition, end in ends.items():
                done = committed.get(partition)
                behind += end - (done.offset if done is not None and done.offset >= 0 else 0)
        return behind
    finally:
        await consumer.stop()
        await admin.close()


async def partitions_of(admin: AIOKafkaAdminClient, topics: Iterable[str]) -> list[TopicPartition]:
    described = await admin.describe_topics(list(topics))
    if missing := [topic["topic"] for topic in described if topic["error_code"]]:
        raise RuntimeError(f"topics missing: {missing}")
    return [TopicPartition(topic["topic"], p["partition"]) for topic in described for p in topic["partitions"]]


async def wait_drained(
    bootstrap: str, groups: dict[str, tuple[str, ...]], dsn: str, within: float, quiet: float = 4.0
) -> float:
    """Seconds until nothing is left: no backlog, no open passage, the candidate count still for `quiet` s."""
    started = time.monotonic()
    last, still_since = -1, time.monotonic()
    while time.monotonic() - started < within:
        try:
            behind = await backlog(bootstrap, groups)
            connection = await asyncpg.connect(dsn)
            try:
                waiting = await connection.fetchval("SELECT count(*) FROM recognition.passage_reads")
                stored = await connection.fetchval("SELECT count(*) FROM notices.candidates")
            finally:
                await connection.close()
        except (OSError, asyncpg.PostgresError):
            behind, waiting, stored = 1, 0, -1
        if behind or waiting or stored != last:
            last, still_since = stored, time.monotonic()
        elif time.monotonic() - still_since >= quiet:
            return time.monotonic() - started
        await asyncio.sleep(1)
    raise TimeoutError(f"the pipeline did not drain within {within:.0f} s")


async def candidates(dsn: str) -> Counter[tuple[str, str, str]]:
    """(plate, regime, local day) -> candidates stored for it."""
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch("SELECT plate, regime_id, observed_at FROM notices.candidates")
    finally:
        await connection.close()
    return Counter((row["plate"], row["regime_id"], local_day(row["observed_at"])) for row in rows)


@dataclass(frozen=True)
class DeadLetter:
    topic: str
    identity: str  # frame id of a frame, the raw value of anything that is no event
    error: str = ""  # the consumer's error type and reason, from the headers


async def dead_letters(bootstrap: str, topic: str, seal: DeadLetterSeal) -> list[DeadLetter]:
    """The run's dead letters, opened with the key the run gave its services (they are sealed at rest)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, max_partition_fetch_bytes=5 << 20
    )
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    await consumer.start()
    try:
        partitions = await partitions_of(admin, (topic,))
        if not partitions:
            return []
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        found: list[DeadLetter] = []
        while [p for p, end in ends.items() if await consumer.position(p) < end]:
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                for record in records:
                    headers = {name: value.decode(errors="replace") for name, value in record.headers}
                    error = f"{headers.get('dlq.group')}: {headers.get('dlq.error_type')}: {headers.get('dlq.reason')}"
                    value = open_letter(runtime_dead_letters.DeadLetter.of(record), seal).value
                    found.append(DeadLetter(headers.get("dlq.topic", ""), _identity(value or b""), error[:300]))
        return found
    finally:
        await consumer.stop()
        await admin.close()


def _identity(value: bytes) -> str:
    try:
        event = json.loads(value)
    except ValueError:
        return value.decode(errors="replace")
    return str(event.get("frame_id") or event.get("event_id")) if isinstance(event, dict) else repr(event)


async def mentions(dsn: str, plates: Iterable[str], pseudonym_key: str) -> Counter[tuple[str, str]]:
    """(table, plate) -> rows of that table whose text, JSON, array or bytea columns hold the plate, in
    clear (also formatted with dashes) or as its keyed hash."""
    by_text = {plate.upper(): plate for plate in plates}
    by_key = {vehicle_key(plate, pseudonym_key): plate for plate in by_text.values()}
    connection = await asyncpg.connect(dsn)
    found: Counter[tuple[str, str]] = Counter()
    try:
        for schema, table, columns in await _tables(connection):
            name = f'"{schema}"."{table}"'
            select = ", ".join(f"encode(\"{c}\", 'escape')" if t == "bytea" else f'"{c}"::text' for c, t in columns)
            query = f"SELECT concat_ws(' ', {select}) FROM {name}"  # noqa: S608 - names from the catalogue, quoted
            async for row in _rows(connection, query):
                for plate in _plates_in(row, by_text, by_key):
                    found[(f"{schema}.{table}", plate)] += 1
    finally:
        await connection.close()
    return found


async def _tables(connection: asyncpg.Connection) -> list[tuple[str, str, list[tuple[str, str]]]]:
    rows = await connection.fetch(
        """SELECT c.table_schema, c.table_name, c.column_name, c.data_type
           FROM information_schema.columns c JOIN information_schema.tables t
             ON t.table_schema = c.table_schema AND t.table_name = c.table_name
           WHERE t.table_type = 'BASE TABLE' AND c.table_schema NOT IN ('pg_catalog', 'information_schema')
           ORDER BY c.table_schema, c.table_name, c.ordinal_position"""
    )
    tables: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for row in rows:
        columns = tables.setdefault((row["table_schema"], row["table_name"]), [])
        if row["data_type"] in _TEXT_TYPES:
            columns.append((row["column_name"], row["data_type"]))
    return [(schema, table, columns) for (schema, table), columns in tables.items() if columns]


async def _rows(connection: asyncpg.Connection, query: str) -> AsyncIterator[str]:
    async with connection.transaction():
        async for record in connection.cursor(query, prefetch=500):
            yield record[0] or ""


def _plates_in(text: str, by_text: dict[str, str], by_key: dict[str, str]) -> set[str]:
    """Whole words only: a plate inside a longer word (a UUID, base64) is a coincidence, not a trace."""
    hits = {by_key[h] for h in _HASH.findall(text.lower()) if h in by_key}
    upper = text.upper()
    hits |= {by_text[word] for word in _TOKEN.findall(upper) if word in by_text}
    hits |= {by_text[joined] for dashed in _DASHED.findall(upper) if (joined := dashed.replace("-", "")) in by_text}
    return hits
