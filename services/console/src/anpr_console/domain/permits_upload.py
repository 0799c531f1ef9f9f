"""The CSV import's upload: a browser sends a file input only as multipart/form-data, which the console's
other (urlencoded) forms never need. Parsed here with the standard library's MIME parser rather than a
new dependency: one small form, one file, a size limit checked before parsing."""

from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP

MAX_UPLOAD_BYTES = 5_000_000  # exemptions' own default limit for an import


class UploadProblem(ValueError):
    """The upload as a whole is unusable; `message` is a message key."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Upload:
    fields: dict[str, str]
    filename: str
    content: bytes


def parse_upload(content_type: str, body: bytes, file_field: str = "file") -> Upload:
    if not content_type.lower().startswith("multipart/form-data") or "boundary=" not in content_type:
        raise UploadProblem("permits.import.not_multipart")
    if len(body) > MAX_UPLOAD_BYTES:
        raise UploadProblem("permits.import.too_large")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", errors="replace")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    fields: dict[str, str] = {}
    filename, content = "", b""
    parts: list[Message] = list(message.iter_parts()) if message.is_multipart() else []
    for part in parts:
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if name == file_field:
            filename, content = part.get_filename() or "", data
        else:
            fields[name] = data.decode("utf-8", errors="replace")
    return Upload(fields, filename, content)  # an empty file: the caller says so, after the CSRF check
