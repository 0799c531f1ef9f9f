"""The rotation plan's upload: a file input reaches the server only as multipart/form-data, which the
console's other forms never need. Parsed with the standard library's MIME parser rather than a new
dependency (one small form, one file, the size checked before parsing)."""

from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP

from anpr_console.domain.review import FormProblem

MAX_PLAN_BYTES = 2_000_000  # a 12-week plan for a few dozen cameras is well under 100 kB


@dataclass(frozen=True)
class Upload:
    fields: dict[str, str]
    content: bytes  # the file, else what was pasted into the text area


def parse_plan_upload(content_type: str, body: bytes) -> Upload:
    if not content_type.lower().startswith("multipart/form-data") or "boundary=" not in content_type:
        raise FormProblem("plan", "ops.plan.not_multipart")
    if len(body) > MAX_PLAN_BYTES:
        raise FormProblem("plan", "ops.plan.too_large")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", errors="replace")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    parts: list[Message] = list(message.iter_parts()) if message.is_multipart() else []
    fields: dict[str, str] = {}
    content = b""
    for part in parts:
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if name == "plan_file":
            content = data
        elif isinstance(name, str):
            fields[name] = data.decode("utf-8", errors="replace")
    if not content.strip():
        content = fields.get("plan_text", "").encode()
    if not content.strip():
        raise FormProblem("plan", "ops.plan.no_file")
    return Upload(fields, content)
