"""Consumer lag per group: the messages on a group's topics that it has not committed yet. The sum is
worked out over an `Offsets` port, so it is the same against Kafka and against a fake in unit tests."""

from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Protocol, Self

from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient

from anpr_bench.faults.verify import partitions_of

Partition = tuple[str, int]  # (topic, partition)


class Offsets(Protocol):
    async def committed(self, group: str) -> Mapping[Partition, int]:
        """The group's committed offset per partition; a partition it never committed is absent."""
        ...

    async def ends(self, topics: Sequence[str]) -> Mapping[Partition, int]:
        """The offset the next message of each partition of these topics will get."""
        ...


async def consumer_lag(offsets: Offsets, groups: Mapping[str, Sequence[str]]) -> dict[str, int]:
    """Group -> messages behind. A partition the group never committed counts from 0, as the services
    start a new group at the earliest offset: all of it is still to be read."""
    lag = {}
    for group, topics in groups.items():
        committed = await offsets.committed(group)
        ends = await offsets.ends(topics)
        # Never below 0: a commit read a moment after the end offsets may be past them.
        lag[group] = sum(max(0, end - committed.get(partition, 0)) for partition, end in ends.items())
    return lag


class KafkaOffsets:
    """`Offsets` from the broker: one admin client and one group-less consumer for the whole soak."""

    def __init__(self, bootstrap: str) -> None:
        self._admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        self._consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)

    async def __aenter__(self) -> Self:
        await self._admin.start()
        try:
            await self._consumer.start()
        except BaseException:
            await self._admin.close()
            raise
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            await self._consumer.stop()
        finally:
            await self._admin.close()

    async def committed(self, group: str) -> dict[Partition, int]:
        found = await self._admin.list_consumer_group_offsets(group)
        return {(p.topic, p.partition): meta.offset for p, meta in found.items() if meta.offset >= 0}

    async def ends(self, topics: Sequence[str]) -> dict[Partition, int]:
        partitions = await partitions_of(self._admin, topics)
        ends = await self._consumer.end_offsets(partitions)
        return {(p.topic, p.partition): end for p, end in ends.items()}
