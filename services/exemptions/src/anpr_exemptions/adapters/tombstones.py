"""Tombstones on the compacted permits topic: a purged permit's key with no value, so compaction drops its
earlier records (their vehicle pseudonym and terms) and rules forgets the permit."""

from typing import Protocol

from aiokafka import AIOKafkaProducer

from anpr_runtime import RetriableError


class Tombstones(Protocol):
    async def bury(self, key: str) -> None: ...


class KafkaTombstones:
    def __init__(self, producer: AIOKafkaProducer, topic: str) -> None:
        self._producer = producer
        self._topic = topic  # with the deployment's prefix

    async def bury(self, key: str) -> None:
        try:
            await self._producer.send_and_wait(self._topic, value=None, key=key.encode())
        except Exception as exc:
            raise RetriableError(f"could not publish a tombstone to {self._topic}: {type(exc).__name__}") from exc
