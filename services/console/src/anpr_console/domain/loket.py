"""The permit counter's pages: what one may apply for, the form's fields, an API refusal placed next to
its field, and the per-address limit on the pages anyone can reach."""

import string
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from anpr_console.domain.messages.loket import REFUSALS_EN, REFUSALS_NL
from anpr_console.domain.permits_text import day_text, is_day

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


@dataclass(frozen=True)
class Said:
    """A message with values: the catalogue key of a refusal's code and the values its text takes."""

    key: str
    values: Mapping[str, Any] = field(default_factory=dict)


def refusal_key(code: str) -> str:
    return f"loket.refusal.{code}"


def errors_of(
    detail: str, unnamed: str = "", code: str | None = None, params: Mapping[str, Any] | None = None
) -> dict[str, str | Said]:
    """{field: message} for the form; a message without a field goes to `unnamed` ("": above the form).
    A refusal whose code the counter has words for is said in them (the applicant's language, with the
    values exemptions sent); any other (a new code, a request the schema refused) in exemptions' words."""
    name = field_of(detail)
    where = unnamed if name is None else name
    # A day in the values (`until`, `day`) is written day first, as every date on the counter.
    values = {k: day_text(v) if is_day(v) else v for k, v in (params or {}).items() if _plain(v)}
    if code is not None and refusal_key(code) in REFUSALS_NL and _fits(refusal_key(code), values):
        return {where: Said(refusal_key(code), values)}
    if name is None:
        return {unnamed: detail}
    return {name: detail.partition(":")[2].strip() or detail}


def _plain(value: object) -> bool:
    """exemptions' values are text and numbers; anything else is left out rather than shown as a repr."""
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _fits(key: str, values: Mapping[str, Any]) -> bool:
    """Every value the texts name was sent: an older exemptions without one gets its own words shown, not
    a page that fails to render."""
    needed = {
        name
        for text in (REFUSALS_NL[key], REFUSALS_EN.get(key, ""))
        for _, name, _, _ in string.Formatter().parse(text)
        if name
    }
    return needed <= set(values)


def document_type(content: bytes) -> str | None:
    """PDF or JPEG by the first bytes (exemptions checks again); None for anything else."""
    for magic, media_type in DOCUMENT_TYPES.items():
        if content.startswith(magic):
            return media_type
    return None


def euros(cents: int | None) -> str | None:
    """None: the price is not known now (exemptions did not answer); the page says so instead."""
    if cents is None:
        return None
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
