"""From a consumed record to the handler of its event type: one table per service instead of a parse /
isinstance / PermanentError block in every bootstrap.

    dispatch = Dispatch[Context]("rules").on(PlateRecognized, evaluate).on(ReevaluateRead, reevaluate)
    for record, event in dispatch.parse_all(records):
        await dispatch.handle(event, context)

An event type the table does not list can never succeed here: it is a `PermanentError` (dead letter).
"""

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from aiokafka import ConsumerRecord
from pydantic import BaseModel

from anpr_contracts import parse_event
from anpr_runtime.consumer import Records
from anpr_runtime.errors import PermanentError

C = TypeVar("C")
E = TypeVar("E", bound=BaseModel)


class Dispatch(Generic[C]):
    """Event type -> handler; each handler gets the event and the service's context object `C`."""

    def __init__(self, service: str) -> None:
        self.service = service
        self._handlers: dict[type[BaseModel], Callable[[Any, C], Awaitable[None]]] = {}

    def on(self, kind: type[E], handler: Callable[[E, C], Awaitable[None]]) -> "Dispatch[C]":
        self._handlers[kind] = handler
        return self

    @property
    def kinds(self) -> tuple[type[BaseModel], ...]:
        return tuple(self._handlers)

    def parse(self, record: ConsumerRecord[bytes, bytes]) -> BaseModel:
        event = parse_event(record.value or b"")
        if type(event) not in self._handlers:
            raise PermanentError(f"{self.service} does not handle {event.event_type}")
        return event

    def parse_all(self, records: Records) -> list[tuple[ConsumerRecord[bytes, bytes], BaseModel]]:
        """Every record parsed before any is handled: one bad record fails the batch before it has effects."""
        return [(record, self.parse(record)) for record in records]

    async def handle(self, event: BaseModel, context: C) -> None:
        await self._handlers[type(event)](event, context)
