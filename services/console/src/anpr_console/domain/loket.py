"""The permit counter's pages: what one may apply for, the form's fields, an API refusal placed next to
its field, and the per-address limit on the pages anyone can reach."""

import time
from collections import deque
from dataclasses import dataclass, field

DAY_PERMIT = "day-permit"
# The kinds the desk decides, in the order the start page offers them.
DESK_KINDS = ("resident", "business", "disabled", "works")
KINDS = (DAY_PERMIT, *DESK_KINDS)
FIELDS = ("plate", "country", "email", "day", "details", "document", "answer", "kind")
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024  # exemptions' max_document_bytes: a larger file is refused here already
DOCUMENT_TYPES = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg"}


def loket_path(path: str | None) -> str:
    """Where to go after signing in: a counter page only (never a staff screen, never another host)."""
    if not path or not path.startswith("/loket") or "//" in path or "\\" in path:
        return "/loket"
    return path


def field_of(detail: str) -> str | None:
    """exemptions' 4xx messages start with the field (`plate: not in the registry`)."""
    head, sep, _ = detail.partition(":")
    name = head.strip().split(".")[-1]
    return name if sep and name in FIELDS else None


def errors_of(detail: str, unnamed: str = "") -> dict[str, str]:
    """{field: message} for the form; a message without a field goes to `unnamed` ("": above the form)."""
    name = field_of(detail)
    if name is None:
        return {unnamed: detail}
    return {name: detail.partition(":")[2].strip() or detail}


def document_type(content: bytes) -> str | None:
    """PDF or JPEG by the first bytes (exemptions checks again); None for anything else."""
    for magic, media_type in DOCUMENT_TYPES.items():
        if content.startswith(magic):
            return media_type
    return None


def euros(cents: int) -> str:
    return f"€ {cents // 100},{cents % 100:02d}"


@dataclass
class RateLimit:
    """At most `per_minute` counted requests per address in any sliding minute, per console instance.
    Enough against a script hammering sign-in or the forms; the services limit per applicant as well."""

    per_minute: int
    _seen: dict[str, deque[float]] = field(default_factory=dict)

    def allow(self, address: str, now: float | None = None) -> bool:
        moment = time.monotonic() if now is None else now
        window = self._seen.setdefault(address, deque())
        while window and window[0] <= moment - 60:
            window.popleft()
        if len(window) >= self.per_minute:
            return False
        window.append(moment)
        if len(self._seen) > 10_000:  # forget idle addresses, so the table cannot grow without end
            for stale in [a for a, w in self._seen.items() if not w or w[-1] <= moment - 60]:
                del self._seen[stale]
        return True
