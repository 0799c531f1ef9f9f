"""A publish that waits a bounded time: what cannot be delivered now is refused (503), never accepted."""

import asyncio
from collections.abc import Sequence

from pydantic import BaseModel

from anpr_runtime import RetriableError
from anpr_runtime.ports import BatchPublisher


class BrokerUnavailable(RetriableError):
    """Kafka down, unreachable or the producer's buffer full: the client should retry shortly."""

    retry_after_seconds = 2


class BoundedPublisher:
    """Gives up after `timeout_seconds`.

    A send that timed out may still reach the broker once it recovers; the client's retry then publishes
    it again. That is at-least-once: consumers recognise the repeat by its frame or read id.
    """

    def __init__(self, inner: BatchPublisher, timeout_seconds: float) -> None:
        self._inner = inner
        self._timeout = timeout_seconds

    async def publish(self, topic: str, key: str, event: BaseModel) -> None:
        try:
            # A timeout scope, not wait_for: that runs the publish in a task of its own, one more per frame.
            async with asyncio.timeout(self._timeout):
                await self._inner.publish(topic, key, event)
        except TimeoutError as exc:
            raise self._timed_out() from exc
        except RetriableError as exc:
            raise self._unavailable(exc) from exc

    async def publish_many(self, topic: str, keyed: Sequence[tuple[str, BaseModel]]) -> list[RetriableError | None]:
        """Per event: None when acknowledged, else BrokerUnavailable. A batch not acknowledged in time is
        refused whole, even the part that may still arrive (the client's retry is recognised downstream)."""
        try:
            async with asyncio.timeout(self._timeout):  # as in publish: no task of its own
                outcomes = await self._inner.publish_many(topic, keyed)
        except TimeoutError:
            return [self._timed_out() for _ in keyed]
        return [None if exc is None else self._unavailable(exc) for exc in outcomes]

    def _timed_out(self) -> BrokerUnavailable:
        return BrokerUnavailable(
            f"Kafka did not acknowledge within {self._timeout:g} s (broker unavailable or producer buffer"
            " full): nothing was accepted, retry later"
        )

    @staticmethod
    def _unavailable(exc: RetriableError) -> BrokerUnavailable:
        return BrokerUnavailable(f"Kafka is unavailable ({exc}): nothing was accepted, retry later")
