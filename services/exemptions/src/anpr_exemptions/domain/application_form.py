"""Checks on what an applicant sends, each failing with a message that names the field (422)."""

import re
from datetime import date, timedelta

from anpr_exemptions.domain.errors import InvalidExemption, RefusalCode

# Dutch registrations (sidecodes 1-14): 6 letters and digits, at most 3 letter/digit groups. A plate that
# is not one is refused here: the counter serves Dutch-registered vehicles (the registry is the RDW's).
_DUTCH = re.compile(r"[A-Z0-9]{6}")
_MARKUP = re.compile(r"[<>{}\\`]|javascript:|&#", re.IGNORECASE)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,180}\.[A-Za-z]{2,24}")
PDF_MAGIC = b"%PDF-"
JPEG_MAGIC = b"\xff\xd8\xff"


def dutch_plate(text: str, country: str) -> str:
    if country.upper() != "NL":
        raise InvalidExemption(
            f"country: only vehicles registered in the Netherlands (NL) can apply here, not {country[:8]!r}; "
            "a foreign vehicle needs a permit from the desk",
            RefusalCode.COUNTRY_NOT_NL,
        )
    plate = text.replace("-", "").replace(" ", "").upper()
    if not (plate.isascii() and _DUTCH.fullmatch(plate)) or plate.isdigit() or plate.isalpha():
        raise InvalidExemption(
            "plate: not a Dutch registration (6 letters and digits, e.g. VX-123-B)", RefusalCode.PLATE_INVALID
        )
    return plate


def permit_day(day: date, today: date, horizon_days: int) -> date:
    if day < today:
        raise InvalidExemption(f"day: {day.isoformat()} is in the past", RefusalCode.DAY_IN_PAST, day=day.isoformat())
    last = today + timedelta(days=horizon_days)
    if day > last:
        raise InvalidExemption(
            f"day: at most {horizon_days} days ahead (until {last.isoformat()})",
            RefusalCode.DAY_BEYOND_HORIZON,
            days=horizon_days,
            until=last.isoformat(),
        )
    return day


def plain_text(field: str, text: str, limit: int) -> str:
    """Free text is shown to the desk and the applicant: no markup, no control characters."""
    cleaned = text.strip()
    if len(cleaned) > limit:
        message = f"{field}: at most {limit} characters"
        raise InvalidExemption(message, RefusalCode.TEXT_TOO_LONG, field=field, limit=limit)
    if _MARKUP.search(cleaned) or any(ord(c) < 32 and c not in "\n\t" for c in cleaned):
        raise InvalidExemption(
            f"{field}: plain text only (no <, >, {{, }}, \\, ` or control characters)",
            RefusalCode.TEXT_NOT_PLAIN,
            field=field,
        )
    return cleaned


def email_address(text: str) -> str:
    if not _EMAIL.fullmatch(text.strip()):
        raise InvalidExemption("email: not an e-mail address", RefusalCode.EMAIL_INVALID)
    return text.strip()


def document_type(content: bytes) -> str:
    """The type by the content's first bytes, never by a name or a header the client chose."""
    if content.startswith(PDF_MAGIC):
        return "application/pdf"
    if content.startswith(JPEG_MAGIC):
        return "image/jpeg"
    raise InvalidExemption("document: only PDF or JPEG files (checked by their content)", RefusalCode.DOCUMENT_TYPE)
