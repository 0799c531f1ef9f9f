"""Consumer lag per group over a fake `Offsets`: what is behind, counted the way the services read."""

from collections.abc import Mapping, Sequence

from anpr_bench.soak_lag import Partition, consumer_lag


class FakeOffsets:
    def __init__(self, ends: dict[Partition, int], committed: dict[str, dict[Partition, int]]) -> None:
        self._ends, self._committed = ends, committed
        self.asked: list[tuple[str, ...]] = []

    async def committed(self, group: str) -> Mapping[Partition, int]:
        return self._committed.get(group, {})

    async def ends(self, topics: Sequence[str]) -> Mapping[Partition, int]:
        self.asked.append(tuple(topics))
        return {partition: end for partition, end in self._ends.items() if partition[0] in topics}


ENDS = {("reads", 0): 100, ("reads", 1): 50, ("commands", 0): 4, ("candidates", 0): 30}


async def test_lag_is_the_end_minus_the_commit_over_each_groups_own_topics() -> None:
    offsets = FakeOffsets(
        ENDS,
        {
            "rules": {("reads", 0): 90, ("reads", 1): 50, ("commands", 0): 4},
            "notices": {("candidates", 0): 28},
        },
    )

    lag = await consumer_lag(offsets, {"rules": ("reads", "commands"), "notices": ("candidates",)})

    assert lag == {"rules": 10, "notices": 2}
    assert offsets.asked == [("reads", "commands"), ("candidates",)]


async def test_a_partition_never_committed_is_behind_by_all_of_it() -> None:
    offsets = FakeOffsets(ENDS, {"rules": {("reads", 0): 100}})

    assert await consumer_lag(offsets, {"rules": ("reads", "commands")}) == {"rules": 50 + 4}


async def test_a_commit_read_after_the_end_offsets_counts_as_nothing_behind_not_less() -> None:
    offsets = FakeOffsets(ENDS, {"notices": {("candidates", 0): 31}})

    assert await consumer_lag(offsets, {"notices": ("candidates",)}) == {"notices": 0}


async def test_a_group_that_never_started_is_behind_by_every_message() -> None:
    assert await consumer_lag(FakeOffsets(ENDS, {}), {"notices": ("candidates",)}) == {"notices": 30}
