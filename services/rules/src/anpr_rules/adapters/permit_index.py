"""The local, always-current permit index: rebuilt from the compacted exemptions topic at start, then
kept current by following it. Every rules instance reads every partition (no consumer group), so each
has all permits whichever reads it judges."""

import asyncio
import logging
from collections.abc import Callable, Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition

from anpr_contracts import ExemptionChanged, parse_event
from anpr_rules.domain.exemption import Permit

log = logging.getLogger(__name__)


class InMemoryPermitIndex:
    def __init__(self) -> None:
        self._by_vehicle: dict[str, dict[str, Permit]] = {}
        self._vehicle_of: dict[str, str] = {}

    def apply(self, change: ExemptionChanged) -> None:
        self.forget(change.exemption_id)
        if change.revoked:
            return
        self._by_vehicle.setdefault(change.plate_key, {})[change.exemption_id] = Permit.of(change)
        self._vehicle_of[change.exemption_id] = change.plate_key

    def forget(self, exemption_id: str) -> None:
        """A permit that was changed, or purged by exemptions' retention (a tombstone on the topic)."""
        previous = self._vehicle_of.pop(exemption_id, None)
        if previous is not None:
            self._by_vehicle.get(previous, {}).pop(exemption_id, None)

    def permits_of(self, plate_key: str) -> Sequence[Permit]:
        found = self._by_vehicle.get(plate_key)
        return tuple(found.values()) if found else ()

    def __len__(self) -> int:
        return len(self._vehicle_of)


class PermitFeed:
    """Follows the exemptions topic into the index; `caught_up` once it read what existed at start."""

    def __init__(self, new_reader: Callable[[], AIOKafkaConsumer], topic: str, index: InMemoryPermitIndex) -> None:
        # A consumer without a group (anpr_runtime.kafka.new_reader): the service's TLS/SASL settings apply.
        self._new_reader = new_reader
        self._topic = topic
        self._index = index
        self.caught_up = asyncio.Event()

    async def run(self) -> None:
        consumer = self._new_reader()
        await consumer.start()
        try:
            partitions = [TopicPartition(self._topic, p) for p in sorted(await self._partitions(consumer))]
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            ends = await consumer.end_offsets(partitions)
            while True:
                for records in (await consumer.getmany(timeout_ms=200, max_records=1000)).values():
                    for record in records:
                        self._apply(record.key, record.value)
                if not self.caught_up.is_set() and all(await self._reached(consumer, ends)):
                    log.info("permit index caught up: %d permits", len(self._index))
                    self.caught_up.set()
        finally:
            await consumer.stop()

    async def _partitions(self, consumer: AIOKafkaConsumer) -> set[int]:
        for _ in range(50):
            found = consumer.partitions_for_topic(self._topic)
            if found:
                return set(found)
            await consumer._client.force_metadata_update()  # the topic may have just been created
            await asyncio.sleep(0.1)
        raise RuntimeError(f"topic {self._topic} has no partitions")

    async def _reached(self, consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> list[bool]:
        return [await consumer.position(tp) >= end for tp, end in ends.items()]

    def _apply(self, key: bytes | None, raw: bytes | None) -> None:
        if raw is None:  # a tombstone: exemptions purged the permit keyed by its id
            if key is not None:
                self._index.forget(key.decode())
            return
        try:
            event = parse_event(raw)
        except ValueError:
            log.warning("skipping an exemption record that is not a valid event")
            return
        if isinstance(event, ExemptionChanged):
            self._index.apply(event)

    async def ready_check(self) -> None:
        if not self.caught_up.is_set():
            raise RuntimeError("permit index still loading")
