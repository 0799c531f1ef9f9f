"""Webhook request bodies as the products send them: plain JSON ("data only"), or a form whose `json`
field holds the JSON and whose `upload` field holds the image (Plate Recognizer "webhook with image").
Parsed from bytes with the standard library, so no multipart dependency enters the service."""

import base64
import json
from collections.abc import Mapping
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs

from anpr_ingest.domain.formats.common import FormatError

JPEG_MAGIC = b"\xff\xd8"


def decode_body(content_type: str, body: bytes) -> tuple[Mapping[str, Any], str | None]:
    """(the JSON object, the uploaded JPEG as base64 or None)."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "multipart/form-data":
        fields = _multipart(content_type, body)
        return _json_object(fields.get("json")), _jpeg(fields.get("upload"))
    if media == "application/x-www-form-urlencoded":
        values = parse_qs(body.decode("utf-8", "replace")).get("json")
        return _json_object(values[0].encode() if values else None), None
    return _json_object(body), None


def _multipart(content_type: str, body: bytes) -> dict[str, bytes]:
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    if not message.is_multipart():
        raise FormatError("multipart body without parts (is the boundary in Content-Type?)")
    fields = {}
    for part in message.iter_parts():
        assert isinstance(part, Message)
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and isinstance(payload, bytes):
            fields[name] = payload
    return fields


def _json_object(raw: bytes | None) -> Mapping[str, Any]:
    if not raw:
        raise FormatError("empty body: expected a JSON object (or a form with a json field)")
    try:
        value = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormatError(f"body is not JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise FormatError(f"body: expected a JSON object, got {type(value).__name__}")
    return value


def _jpeg(raw: bytes | None) -> str | None:
    if not raw:
        return None
    if not raw.startswith(JPEG_MAGIC):
        raise FormatError("upload: the image is not a JPEG")
    return base64.b64encode(raw).decode()
