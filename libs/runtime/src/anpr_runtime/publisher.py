from aiokafka import AIOKafkaProducer
from pydantic import BaseModel

from anpr_contracts import event_to_bytes
from anpr_runtime.errors import RetriableError


class KafkaEventPublisher:
    """Publishes events and waits for the broker's acknowledgement (acks=all)."""

    def __init__(self, producer: AIOKafkaProducer, topic_prefix: str = "") -> None:
        self._producer = producer
        self._prefix = topic_prefix

    async def publish(self, topic: str, key: str, event: BaseModel) -> None:
        try:
            await self._producer.send_and_wait(f"{self._prefix}{topic}", event_to_bytes(event), key=key.encode())
        except Exception as exc:  # every producer failure means "not delivered, try again later"
            raise RetriableError(f"could not publish to {topic}: {type(exc).__name__}") from exc


class FakeEventPublisher:
    """In-memory publisher for unit tests."""

    def __init__(self) -> None:
        self.published: list[tuple[str, str, BaseModel]] = []

    async def publish(self, topic: str, key: str, event: BaseModel) -> None:
        self.published.append((topic, key, event))
