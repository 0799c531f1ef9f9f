"""Who and what a log line is about: the service, the correlation id of the frame or read being worked on,
and the event in hand. Context variables, so every task and `asyncio.to_thread` call inherits them.

The consumer runner binds them for each message, the HTTP middleware for each request; the log formatter
reads them and the publisher copies the correlation id into the events it sends (and into Kafka headers).
"""

import re
from collections.abc import Sequence
from contextlib import AbstractContextManager
from contextvars import ContextVar, Token
from uuid import uuid4

SERVICE: ContextVar[str | None] = ContextVar("anpr_service", default=None)
CORRELATION_ID: ContextVar[str | None] = ContextVar("anpr_correlation_id", default=None)
EVENT_ID: ContextVar[str | None] = ContextVar("anpr_event_id", default=None)

HTTP_HEADER = "X-Correlation-Id"
# Kafka record headers our publisher writes, so a consumer learns them without parsing the payload.
CORRELATION_HEADER = "correlation_id"
EVENT_ID_HEADER = "event_id"
EVENT_TYPE_HEADER = "event_type"

# The envelope allows 100 characters; from outside (HTTP) only a safe alphabet, so a header cannot forge
# log structure or smuggle text (a plate) into every log line.
_ACCEPTABLE = re.compile(r"[A-Za-z0-9._:\-]{1,100}")


def new_correlation_id() -> str:
    return str(uuid4())


def acceptable(candidate: str | None) -> str | None:
    """The candidate if it may serve as a correlation id, else None."""
    if candidate is not None and _ACCEPTABLE.fullmatch(candidate):
        return candidate
    return None


_HEADER_FIELDS = {CORRELATION_HEADER: "correlation_id", EVENT_ID_HEADER: "event_id", EVENT_TYPE_HEADER: "event_type"}
# Our serialiser writes the envelope first, so a producer that sent no headers still has these fields in
# the first bytes: found without parsing a frame's whole base64 image.
_IN_BODY = re.compile(rb'"(correlation_id|event_id|event_type)"\s*:\s*"([^"\\]{1,100})"')


def envelope_of(headers: Sequence[tuple[str, bytes]] | None, value: bytes | None) -> dict[str, str]:
    """correlation_id, event_id and event_type of a Kafka record, from its headers or else its first bytes."""
    found: dict[str, str] = {}
    for name, raw in headers or ():
        if name in _HEADER_FIELDS and raw:
            found[_HEADER_FIELDS[name]] = raw.decode(errors="replace")
    if len(found) < len(_HEADER_FIELDS) and value:
        for match in _IN_BODY.finditer(value[:2048]):
            found.setdefault(match.group(1).decode(), match.group(2).decode(errors="replace"))
    return {name: text for name, text in found.items() if acceptable(text)}


class _Bound:
    """A class, not a @contextmanager generator: it is entered for every consumed record (rules: 500 a
    batch), and the generator's machinery cost several times the two ContextVar sets it wraps."""

    __slots__ = ("_tokens", "_values")

    def __init__(self, values: tuple[tuple[ContextVar[str | None], str | None], ...]) -> None:
        self._values = values
        self._tokens: list[tuple[ContextVar[str | None], Token[str | None]]] = []

    def __enter__(self) -> None:
        self._tokens = [(var, var.set(value)) for var, value in self._values if value is not None]

    def __exit__(self, *exc_info: object) -> None:
        for var, token in reversed(self._tokens):
            var.reset(token)


def bound(
    *, service: str | None = None, correlation_id: str | None = None, event_id: str | None = None
) -> AbstractContextManager[None]:
    """Set the given values for the duration of the block (None leaves a value as it is)."""
    return _Bound(((SERVICE, service), (CORRELATION_ID, correlation_id), (EVENT_ID, event_id)))


__all__ = [
    "CORRELATION_HEADER",
    "CORRELATION_ID",
    "EVENT_ID",
    "EVENT_ID_HEADER",
    "EVENT_TYPE_HEADER",
    "HTTP_HEADER",
    "SERVICE",
    "acceptable",
    "bound",
    "envelope_of",
    "new_correlation_id",
]
