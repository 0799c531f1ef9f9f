"""The ports every service shares. A handler depends on these protocols, never on the Kafka adapter, so a
unit test hands it a fake that records what was published."""

from collections.abc import Sequence
from typing import Protocol

from pydantic import BaseModel

from anpr_runtime.errors import RetriableError


class Publisher(Protocol):
    """Publishes one event on a topic (name without prefix), keyed for partitioning."""

    async def publish(self, topic: str, key: str, event: BaseModel) -> None: ...


class BatchPublisher(Publisher, Protocol):
    """A publisher that also hands many events to the broker at once and reports each one's fate."""

    async def publish_many(self, topic: str, keyed: Sequence[tuple[str, BaseModel]]) -> list[RetriableError | None]: ...
