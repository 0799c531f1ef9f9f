"""Consumer lag per partition, as a Prometheus gauge: how many messages this group still has to handle.

Lag = the partition's end offset - the group's committed offset (the position when nothing is committed
yet), the same figure the KEDA Kafka scaler scales on. Refreshed every few seconds beside the consumer loop,
not inside it: a loop stuck on a slow message or a retry is exactly when lag grows and must be seen.
Only partitions assigned to this instance are reported; a partition that moved away in a rebalance is
dropped from the gauge, so the sum over instances is the group's lag.
"""

import asyncio
import logging
from typing import Protocol

from aiokafka import TopicPartition
from prometheus_client import Gauge

log = logging.getLogger(__name__)

LAG = Gauge(
    "anpr_consumer_lag", "Messages behind the end of the partition, per consumer group", ["group", "topic", "partition"]
)
LAG_REFRESHED = Gauge("anpr_consumer_lag_refreshed_timestamp_seconds", "When the lag was last measured", ["group"])


class OffsetSource(Protocol):
    """The part of AIOKafkaConsumer the lag needs."""

    def assignment(self) -> set[TopicPartition]: ...
    async def end_offsets(self, partitions: list[TopicPartition]) -> dict[TopicPartition, int]: ...
    async def committed(self, partition: TopicPartition) -> int | None: ...
    async def position(self, partition: TopicPartition) -> int: ...


class LagGauge:
    def __init__(self, consumer: OffsetSource, group: str, interval_seconds: float = 5.0) -> None:
        self._consumer = consumer
        self._group = group
        self._interval = interval_seconds
        self._reported: set[TopicPartition] = set()

    async def refresh(self) -> dict[TopicPartition, int]:
        assigned = sorted(self._consumer.assignment())
        lags: dict[TopicPartition, int] = {}
        if assigned:
            ends = await self._consumer.end_offsets(assigned)
            for partition in assigned:
                done = await self._consumer.committed(partition)
                if done is None:
                    done = await self._consumer.position(partition)
                lags[partition] = max(0, ends[partition] - done)
        for partition in self._reported - set(lags):
            LAG.remove(self._group, partition.topic, str(partition.partition))
        for partition, lag in lags.items():
            LAG.labels(self._group, partition.topic, str(partition.partition)).set(lag)
        self._reported = set(lags)
        LAG_REFRESHED.labels(self._group).set_to_current_time()
        return lags

    async def run(self) -> None:
        """Refresh until cancelled; a failed refresh (broker away) keeps the last figures and tries again."""
        try:
            while True:
                try:
                    await asyncio.wait_for(self.refresh(), timeout=max(self._interval, 5.0))
                except Exception as exc:  # measuring must never stop the service; the next round retries
                    log.warning("consumer lag not measured: %s", type(exc).__name__, extra={"group": self._group})
                await asyncio.sleep(self._interval)
        finally:
            self.forget()

    def forget(self) -> None:
        for partition in self._reported:
            LAG.remove(self._group, partition.topic, str(partition.partition))
        self._reported = set()


__all__ = ["LAG", "LagGauge", "OffsetSource"]
