"""Bytes on the wire <-> events. JSON, UTF-8; one discriminated union parses every topic."""

from pydantic import BaseModel, TypeAdapter, ValidationError

from anpr_contracts.events import Event

_EVENT: TypeAdapter[Event] = TypeAdapter(Event)


class ContractError(ValueError):
    """Bytes that are not a valid event of any known type (a permanent error: never retry)."""


def event_to_bytes(event: BaseModel) -> bytes:
    # The model's own serializer gives the JSON as bytes: model_dump_json is the same call behind a wrapper
    # that decodes them to str (which was then encoded again), about 1 us of every event published.
    return type(event).__pydantic_serializer__.to_json(event)


def parse_event(raw: bytes) -> Event:
    try:
        return _EVENT.validate_json(raw)
    except ValidationError as exc:
        raise ContractError(f"not a valid event: {exc.error_count()} error(s): {exc.errors()[0]['msg']}") from exc
