import asyncio
from collections.abc import Sequence

import pytest
from pydantic import BaseModel

from anpr_ingest.adapters.publisher import BoundedPublisher, BrokerUnavailable
from anpr_runtime import RetriableError
from anpr_runtime.publisher import FakeEventPublisher


class Event(BaseModel):
    n: int


class StuckPublisher(FakeEventPublisher):
    """A producer whose broker never answers (or whose buffer never drains)."""

    def __init__(self) -> None:
        super().__init__()
        self.cancelled = False

    async def publish(self, topic: str, key: str, event: BaseModel) -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise


class FailingPublisher(FakeEventPublisher):
    async def publish(self, topic: str, key: str, event: BaseModel) -> None:
        raise RetriableError("could not publish to anpr.frames.v1: KafkaConnectionError")


async def test_publish_within_the_timeout_goes_through() -> None:
    inner = FakeEventPublisher()

    await BoundedPublisher(inner, 1).publish("t", "k", Event(n=1))

    assert inner.published == [("t", "k", Event(n=1))]


async def test_publish_that_is_not_acknowledged_in_time_is_unavailable_and_stops_waiting() -> None:
    inner = StuckPublisher()

    with pytest.raises(BrokerUnavailable, match=r"did not acknowledge within 0.05 s") as caught:
        await BoundedPublisher(inner, 0.05).publish("t", "k", Event(n=1))

    assert inner.cancelled
    assert caught.value.retriable
    assert (caught.value.status_code, caught.value.retry_after_seconds) == (503, 2)


async def test_producer_failure_is_unavailable_with_its_cause() -> None:
    with pytest.raises(BrokerUnavailable, match=r"KafkaConnectionError.*retry later") as caught:
        await BoundedPublisher(FailingPublisher(), 1).publish("t", "k", Event(n=1))

    assert caught.value.retry_after_seconds == 2


class HalfStuckPublisher(StuckPublisher):
    """Acknowledges nothing of a batch in time (as a broker that stalls halfway through would)."""

    async def publish_many(self, topic: str, keyed: Sequence[tuple[str, BaseModel]]) -> list[RetriableError | None]:
        await self.publish(topic, "k", Event(n=0))
        return [None for _ in keyed]


async def test_batch_is_published_per_event_and_refusals_become_unavailable() -> None:
    class RefusesOdd(FakeEventPublisher):
        async def publish(self, topic: str, key: str, event: BaseModel) -> None:
            if isinstance(event, Event) and event.n % 2:
                raise RetriableError("could not publish to t: KafkaConnectionError")
            await super().publish(topic, key, event)

    inner = RefusesOdd()

    outcomes = await BoundedPublisher(inner, 1).publish_many("t", [("k", Event(n=n)) for n in range(4)])

    assert [o is None for o in outcomes] == [True, False, True, False]
    assert isinstance(outcomes[1], BrokerUnavailable)
    assert "KafkaConnectionError" in str(outcomes[1])
    assert [event for _, _, event in inner.published] == [Event(n=0), Event(n=2)]


async def test_batch_not_acknowledged_in_time_is_refused_whole() -> None:
    inner = HalfStuckPublisher()

    outcomes = await BoundedPublisher(inner, 0.05).publish_many("t", [("k", Event(n=n)) for n in range(3)])

    assert all(isinstance(o, BrokerUnavailable) for o in outcomes)
    assert len(outcomes) == 3
    assert inner.cancelled
