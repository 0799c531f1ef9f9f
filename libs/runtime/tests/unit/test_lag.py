import asyncio

from aiokafka import TopicPartition
from prometheus_client import REGISTRY

from anpr_runtime.lag import LagGauge

P0, P1 = TopicPartition("anpr.reads.v1", 0), TopicPartition("anpr.reads.v1", 1)


class FakeOffsets:
    def __init__(self) -> None:
        self.assigned = {P0, P1}
        self.ends = {P0: 100, P1: 7}
        self.commits: dict[TopicPartition, int | None] = {P0: 60, P1: None}
        self.positions = {P0: 70, P1: 3}
        self.failing = False

    def assignment(self) -> set[TopicPartition]:
        return set(self.assigned)

    async def end_offsets(self, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
        if self.failing:
            raise ConnectionError("broker away")
        return {p: self.ends[p] for p in partitions}

    async def committed(self, partition: TopicPartition) -> int | None:
        return self.commits[partition]

    async def position(self, partition: TopicPartition) -> int:
        return self.positions[partition]


def lag(group: str, partition: TopicPartition) -> float | None:
    labels = {"group": group, "topic": partition.topic, "partition": str(partition.partition)}
    return REGISTRY.get_sample_value("anpr_consumer_lag", labels)


async def test_lag_is_end_minus_committed_or_position_before_the_first_commit() -> None:
    offsets = FakeOffsets()
    assert await LagGauge(offsets, "g-lag-1").refresh() == {P0: 40, P1: 4}
    assert (lag("g-lag-1", P0), lag("g-lag-1", P1)) == (40, 4)


async def test_a_partition_taken_away_in_a_rebalance_leaves_the_gauge() -> None:
    offsets = FakeOffsets()
    gauge = LagGauge(offsets, "g-lag-2")
    await gauge.refresh()
    offsets.assigned = {P1}
    offsets.commits[P1] = 7
    await gauge.refresh()
    assert lag("g-lag-2", P0) is None
    assert lag("g-lag-2", P1) == 0


async def test_the_loop_survives_a_broker_outage_and_clears_its_series_when_stopped() -> None:
    offsets = FakeOffsets()
    gauge = LagGauge(offsets, "g-lag-3", interval_seconds=0.01)
    task = asyncio.create_task(gauge.run())
    while lag("g-lag-3", P0) is None:
        await asyncio.sleep(0.01)
    offsets.failing = True
    await asyncio.sleep(0.05)
    offsets.failing = False
    offsets.commits[P0] = 100
    while lag("g-lag-3", P0) != 0:
        await asyncio.sleep(0.01)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert lag("g-lag-3", P0) is None
