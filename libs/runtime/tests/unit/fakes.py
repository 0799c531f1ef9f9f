"""In-memory stand-ins for the Kafka clients the consumer runner uses."""

import asyncio
from collections.abc import Sequence

from aiokafka import ConsumerRecord, TopicPartition


def a_record(offset: int, value: bytes = b"{}", topic: str = "anpr.reads.v1", partition: int = 0) -> ConsumerRecord:
    return ConsumerRecord(
        topic=topic,
        partition=partition,
        offset=offset,
        timestamp=1_700_000_000_000,
        timestamp_type=0,
        key=b"key",
        value=value,
        checksum=None,
        serialized_key_size=3,
        serialized_value_size=len(value),
        headers=[],
    )


class FakeConsumer:
    """Hands out one batch, then nothing (like a poll timeout); records commits and what happened when."""

    def __init__(self, records: Sequence[ConsumerRecord], log: list[str] | None = None) -> None:
        self._batches: dict[TopicPartition, list[ConsumerRecord]] = {}
        for record in records:
            self._batches.setdefault(TopicPartition(record.topic, record.partition), []).append(record)
        self.commits: list[dict[TopicPartition, int]] = []
        self.log = log if log is not None else []
        self.drained = asyncio.Event()
        self.commit_error: Exception | None = None

    async def getmany(
        self, timeout_ms: int = 0, max_records: int | None = None
    ) -> dict[TopicPartition, list[ConsumerRecord]]:
        if self._batches:
            batches, self._batches = self._batches, {}
            return batches
        self.drained.set()
        await asyncio.sleep(0.001)  # a real poll waits up to timeout_ms
        return {}

    async def commit(self, offsets: dict[TopicPartition, int]) -> None:
        if self.commit_error is not None:
            raise self.commit_error
        self.commits.append(dict(offsets))
        self.log.extend(f"commit {tp.topic}[{tp.partition}]@{offset}" for tp, offset in offsets.items())


class FakeProducer:
    """Records `send_and_wait` calls; fails them while `error` is set."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes | None, bytes | None, list[tuple[str, bytes]]]] = []
        self.error: Exception | None = None

    async def send_and_wait(
        self,
        topic: str,
        value: bytes | None = None,
        key: bytes | None = None,
        headers: list[tuple[str, bytes]] | None = None,
    ) -> None:
        if self.error is not None:
            raise self.error
        self.sent.append((topic, value, key, list(headers or [])))
