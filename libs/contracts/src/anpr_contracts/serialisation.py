"""Bytes on the wire <-> events. JSON, UTF-8; one discriminated union parses every topic."""

from pydantic import BaseModel, TypeAdapter, ValidationError

from anpr_contracts.events import Event

_EVENT: TypeAdapter[Event] = TypeAdapter(Event)


class ContractError(ValueError):
    """Bytes that are not a valid event of any known type (a permanent error: never retry)."""


def event_to_bytes(event: BaseModel) -> bytes:
    return event.model_dump_json().encode()


def parse_event(raw: bytes) -> Event:
    try:
        return _EVENT.validate_json(raw)
    except ValidationError as exc:
        raise ContractError(f"not a valid event: {exc.error_count()} error(s): {exc.errors()[0]['msg']}") from exc
