"""Structured logs: one JSON object per line on stderr, with the service and correlation id of the work.

Fields: ts (UTC, ISO 8601), level, logger, service, message, correlation_id and event_id when known, then
whatever the call passed with `extra=`; an exception adds its type and stack, never its text (exception
messages may quote input, such as a plate). Plate-like tokens in messages are masked as a last line of
defence: code must not log plates in the first place.

Settings: ANPR_LOG_LEVEL (default INFO), ANPR_LOG_FORMAT (json, or text for a person at a terminal).
"""

import json
import logging
import re
import sys
import traceback
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from anpr_runtime.correlation import CORRELATION_ID, EVENT_ID, SERVICE

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "taskName"}
# uvicorn adds an ANSI-coloured copy of its message.
_DROPPED = {"color_message"}
# Fields that are ids by construction: never masked (a correlation id may look like a plate).
_IDS = {"correlation_id", "event_id", "event_type", "topic", "group", "route", "method"}
# Candidate shapes, judged by `_looks_like_plate` (a plate has a letter and a digit), never inside longer
# tokens joined by - : or . (timestamps such as 2026-11-29T01:02, UUIDs, dotted topic names):
# - three groups joined by dashes, any case: Dutch sidecodes (63-HK-HD, ab-12-cd), Belgian 1-ABC-123;
# - groups joined by single spaces, capitals only (lower-case prose such as "at 10 am" is left alone): a
#   Dutch plate written with spaces (AB 12 CD), German (B MW 1234, M-AB 123), Polish (WA 12345);
# - a bare token of 4-8 letters and digits (72VGX6, BMW1234, and lower-case ab12cd).
_EDGE_BEFORE = r"(?<![A-Za-z0-9:.\-])"
_EDGE_AFTER = r"(?![A-Za-z0-9:\-])"
_PLATE = re.compile(
    _EDGE_BEFORE
    + r"(?:[A-Za-z0-9]{1,3}-[A-Za-z0-9]{1,4}-[A-Za-z0-9]{1,3}"
    + r"|[A-Z0-9]{1,3}[ -][A-Z0-9]{1,4} [A-Z0-9]{1,4}"
    + r"|[A-Z]{1,3} [A-Z0-9]{4,5}"
    + r"|[A-Za-z0-9]{4,8})"
    + _EDGE_AFTER
)
_RUNS = re.compile(r"[A-Za-z]+|[0-9]+")
MASK = "[masked]"


class LogSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ANPR_LOG_", frozen=True, extra="ignore")

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["json", "text"] = "json"

    @field_validator("level", "format", mode="before")
    @classmethod
    def _any_case(cls, value: object) -> object:
        # ANPR_LOG_LEVEL=info is what people write; refusing it would stop the service over a letter case.
        if not isinstance(value, str):
            return value
        return value.upper() if value.lower() in {"debug", "info", "warning", "error"} else value.lower()


def mask_plates(text: str) -> str:
    return _PLATE.sub(_mask_match, text)


def _mask_match(match: re.Match[str]) -> str:
    return MASK if _looks_like_plate(match[0]) else match[0]


def _looks_like_plate(token: str) -> bool:
    if not (any(c.isalpha() for c in token) and any(c.isdigit() for c in token)):
        return False
    if "-" in token or " " in token or token.isupper():
        return True
    # Bare lower-case text is mostly words and names (sha256, utf8, ipv4): only a Dutch sidecode's shape,
    # six characters in three runs of letters and digits (ab12cd, 12abc3), counts as a plate.
    return len(token) == 6 and len(_RUNS.findall(token)) == 3


class JsonFormatter(logging.Formatter):
    """One JSON object per record; context comes from `anpr_runtime.correlation`."""

    def __init__(self, default_service: str = "anpr") -> None:
        super().__init__()
        self._default_service = default_service

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "service": SERVICE.get() or self._default_service,
            "message": mask_plates(record.getMessage()),
        }
        for name, var in (("correlation_id", CORRELATION_ID), ("event_id", EVENT_ID)):
            value = var.get()
            if value is not None:
                entry[name] = value
        for name, value in vars(record).items():
            if name not in _STANDARD and name not in _DROPPED and name not in entry:
                entry[name] = _masked(name, value)
        if record.exc_info and record.exc_info[0] is not None:
            entry["error"] = record.exc_info[0].__name__
            entry["stack"] = [
                f"{frame.filename}:{frame.lineno} in {frame.name}" for frame in traceback.extract_tb(record.exc_info[2])
            ]
        return json.dumps(entry, default=str, ensure_ascii=False)


def _masked(name: str, value: object) -> object:
    """Structured fields are masked all the way down: dicts (keys too), lists and anything that JSON would
    write as text; numbers, booleans and None stay what they are (a plate is never only digits)."""
    if name in _IDS or value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict):
        return {mask_plates(str(key)): _masked(str(key), item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_masked(name, item) for item in value]
    return mask_plates(value if isinstance(value, str) else str(value))


class _TextFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        correlation = CORRELATION_ID.get()
        prefix = f"{SERVICE.get() or '-'} {correlation or '-'}"
        line = f"{self.formatTime(record)} {record.levelname:<7} {prefix} {record.name}: {record.getMessage()}"
        if record.exc_info and record.exc_info[0] is not None:
            line += f" [{record.exc_info[0].__name__}]"
        return mask_plates(line)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at the time (test runners swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


def configure_logging(service: str, settings: LogSettings | None = None) -> None:
    """Root logger -> one stderr handler in our format. Idempotent; leaves other handlers (pytest's) alone."""
    settings = settings or LogSettings()
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _StderrHandler)]:
        root.removeHandler(handler)
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter(service) if settings.format == "json" else _TextFormatter())
    root.addHandler(handler)
    root.setLevel(settings.level)
    # uvicorn brings its own plain-text handlers; send its lines through ours instead.
    for name in ("uvicorn", "uvicorn.error"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
    # Never its access log: raw paths and query strings carry plates (/v1/check?plate=...). Our middleware
    # logs the route template instead. Without handlers and propagation uvicorn skips it altogether.
    access = logging.getLogger("uvicorn.access")
    access.handlers.clear()
    access.propagate = False


__all__ = ["MASK", "JsonFormatter", "LogSettings", "configure_logging", "mask_plates"]
