"""Reading the dead-letter topic: what failed, where it came from and why (headers written by
consumer.DeadLetters). A dead letter is named by its place in the dead-letter topic, `partition:offset`.

Payloads and reasons may hold plates: `DeadLetter.summary()` is what may be listed; the rest is for an
explicit, audited look (anpr dlq show). What the consumers write is sealed (dead_letter_seal): a
DeadLetter read here holds the sealed key and value until `dead_letter_seal.open_letter`.
"""

import asyncio
import re
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from anpr_runtime.kafka import new_reader
from anpr_runtime.settings import ServiceSettings

READ_TIMEOUT_SECONDS = 60.0
REPLAY_HEADER = "dlq.replay_of"  # on a replayed message: "<dead-letter topic>:<partition>:<offset>"
# Written by dead_letter_seal: the key id that sealed key, value and the exception's text, and that text.
SEALED = "dlq.sealed"
SEALED_REASON = "dlq.reason.sealed"
_ID = re.compile(r"^(\d+):(\d+)$")


@dataclass(frozen=True)
class DeadLetter:
    partition: int
    offset: int
    dead_lettered_at: datetime
    topic: str | None  # where the message was consumed from, and so where a replay goes
    original_partition: int | None
    original_offset: int | None
    group: str | None
    error_type: str | None
    reason: str | None
    key: bytes | None
    value: bytes | None
    # The original message's own headers (correlation_id, event_type, ...): a replay carries them again.
    envelope: tuple[tuple[str, bytes], ...] = ()
    # Set while key, value and the full reason are sealed (`reason` is then the sanitised one): the key id.
    sealed_with: str | None = None
    sealed_reason: bytes | None = None

    @property
    def id(self) -> str:
        return f"{self.partition}:{self.offset}"

    @classmethod
    def of(cls, record: ConsumerRecord[bytes, bytes]) -> "DeadLetter":
        headers = {name: value.decode(errors="replace") for name, value in record.headers or ()}
        return cls(
            partition=record.partition,
            offset=record.offset,
            dead_lettered_at=datetime.fromtimestamp(record.timestamp / 1000, UTC),
            topic=headers.get("dlq.topic"),
            original_partition=_int(headers.get("dlq.partition")),
            original_offset=_int(headers.get("dlq.offset")),
            group=headers.get("dlq.group"),
            error_type=headers.get("dlq.error_type"),
            reason=headers.get("dlq.reason"),
            key=record.key,
            value=record.value,
            envelope=tuple((name, value) for name, value in record.headers or () if not name.startswith("dlq.")),
            sealed_with=headers.get(SEALED),
            sealed_reason=dict(record.headers or ()).get(SEALED_REASON),
        )

    def summary(self) -> dict[str, str]:
        """What a listing shows: no payload, no key, no reason (an exception's text may quote a plate)."""
        return {
            "id": self.id,
            "dead_lettered_at": self.dead_lettered_at.isoformat(timespec="seconds"),
            "topic": self.topic or "?",
            "origin": f"{self.original_partition}:{self.original_offset}",
            "group": self.group or "?",
            "error_type": self.error_type or "?",
            "bytes": str(len(self.value or b"")),
        }


@dataclass(frozen=True)
class Selection:
    """Which dead letters a listing or a replay takes; None matches anything."""

    topic: str | None = None
    error_type: str | None = None
    since: datetime | None = None

    def matches(self, letter: DeadLetter) -> bool:
        return (
            (self.topic is None or letter.topic == self.topic)
            and (self.error_type is None or letter.error_type == self.error_type)
            and (self.since is None or letter.dead_lettered_at >= self.since)
        )


def parse_id(text: str) -> tuple[int, int]:
    match = _ID.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a dead letter id: partition:offset, e.g. 0:42")
    return int(match[1]), int(match[2])


async def read_dead_letters(
    settings: ServiceSettings, dlq_topic: str, selection: Selection, limit: int | None = None
) -> list[DeadLetter]:
    """The matching dead letters present now, oldest first; with a limit, the newest `limit` of them."""
    found: deque[DeadLetter] = deque(maxlen=limit)
    reader = new_reader(settings)
    await reader.start()
    try:
        partitions = await _partitions(reader, dlq_topic)
        reader.assign(partitions)
        ends = await reader.end_offsets(partitions)
        await _seek(reader, partitions, selection.since)
        remaining = {tp for tp in partitions if await reader.position(tp) < ends[tp]}
        deadline = asyncio.get_running_loop().time() + READ_TIMEOUT_SECONDS
        while remaining:
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"{dlq_topic} could not be read to its end within {READ_TIMEOUT_SECONDS} s")
            for tp, records in (await reader.getmany(*remaining, timeout_ms=1000)).items():
                found.extend(letter for letter in map(DeadLetter.of, records) if selection.matches(letter))
                if await reader.position(tp) >= ends[tp]:
                    remaining.discard(tp)
    finally:
        await reader.stop()
    return sorted(found, key=lambda letter: (letter.dead_lettered_at, letter.partition, letter.offset))


async def fetch_dead_letter(settings: ServiceSettings, dlq_topic: str, letter_id: str) -> DeadLetter | None:
    partition, offset = parse_id(letter_id)
    reader = new_reader(settings)
    await reader.start()
    try:
        tp = TopicPartition(dlq_topic, partition)
        if tp not in await _partitions(reader, dlq_topic):
            return None
        reader.assign([tp])
        if offset >= (await reader.end_offsets([tp]))[tp]:
            return None
        reader.seek(tp, offset)
        deadline = asyncio.get_running_loop().time() + READ_TIMEOUT_SECONDS
        while asyncio.get_running_loop().time() < deadline:
            records = (await reader.getmany(tp, timeout_ms=1000, max_records=1)).get(tp, [])
            if records:
                # A record removed by retention is skipped over: the first one we get is a later one.
                return DeadLetter.of(records[0]) if records[0].offset == offset else None
        raise TimeoutError(f"{dlq_topic} partition {partition} did not answer within {READ_TIMEOUT_SECONDS} s")
    finally:
        await reader.stop()


async def _partitions(reader: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    # A reader subscribes to nothing, so its metadata must be fetched before it knows any topic.
    await reader._client.force_metadata_update()
    found = reader.partitions_for_topic(topic)
    if not found:
        raise LookupError(f"no topic {topic!r} on the broker")
    return [TopicPartition(topic, p) for p in sorted(found)]


async def _seek(reader: AIOKafkaConsumer, partitions: list[TopicPartition], since: datetime | None) -> None:
    if since is None:
        await reader.seek_to_beginning(*partitions)
        return
    # Kafka takes no time before 1970 (ValueError): anything older is the beginning.
    found = await reader.offsets_for_times({tp: int(max(since.timestamp(), 0) * 1000) for tp in partitions})
    for tp in partitions:
        if found[tp] is None:
            await reader.seek_to_end(tp)
        else:
            reader.seek(tp, found[tp].offset)


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.lstrip("-").isdigit() else None
