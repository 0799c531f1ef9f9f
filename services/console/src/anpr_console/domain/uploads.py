"""The console's few file uploads (the permit CSV import, the rotation plan, the pilot's regime file): a
browser sends a file input only as multipart/form-data, which the console's other (urlencoded) forms never
need. Parsed with the standard library's MIME parser rather than a new dependency: a multipart form is a
MIME message, and each of these forms is small, with one file and the size checked before parsing."""

from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import HTTP


class UploadRefused(ValueError):
    """Not a multipart form a screen of ours sent: no multipart content type with a boundary."""


class UploadTooLarge(ValueError):
    """Larger than the screen's limit: refused before the MIME parser reads any of it."""


@dataclass(frozen=True)
class Part:
    name: str | None  # None: a part without a name in its Content-Disposition, which no field reads
    filename: str | None  # None: a text field; a file input always sends one, if only ""
    data: bytes

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class Multipart:
    parts: tuple[Part, ...]  # empty: the body held no parts at all

    def file(self, name: str) -> Part | None:
        """The last part called `name` (a repeated name: the last one counts, as with the text fields)."""
        found = [part for part in self.parts if part.name == name]
        return found[-1] if found else None

    def fields(self, file_field: str | None = None) -> dict[str, str]:
        """The text fields: every named part but the file, which is the part called `file_field` or,
        without one, any part that carries a filename."""
        return {
            part.name: part.text
            for part in self.parts
            if part.name is not None and (part.name != file_field if file_field else part.filename is None)
        }

    def files(self) -> dict[str, bytes]:
        """The parts that carry a filename, by name."""
        return {part.name: part.data for part in self.parts if part.name is not None and part.filename is not None}


def parse_multipart(content_type: str, body: bytes, max_bytes: int) -> Multipart:
    if not content_type.lower().startswith("multipart/form-data") or "boundary=" not in content_type:
        raise UploadRefused("expected multipart/form-data with a boundary")
    if len(body) > max_bytes:
        raise UploadTooLarge(f"more than {max_bytes} bytes")
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode("latin-1", errors="replace")
    message = BytesParser(policy=HTTP).parsebytes(head + body)
    if not message.is_multipart():
        return Multipart(())
    parts = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        parts.append(Part(name if isinstance(name, str) else None, part.get_filename(), data))
    return Multipart(tuple(parts))
