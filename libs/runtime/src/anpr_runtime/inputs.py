"""Input types for the services' APIs: what PostgreSQL can store and compare, so that anything else is a
422 at the edge instead of a database error (a 500) deep inside. Found by fuzzing the OpenAPI documents.

- `Text`: no control characters (PostgreSQL refuses NUL in text; no name, label or reason needs them).
- `Identifier`: the shape of our ids (cameras, locations, tokens), also for path parameters.
- `Moment`: a time with a UTC offset within 1970-2199; the far ends of datetime overflow when they are
  converted between zones or moved by a window (year 1 at +14:00 is before year 1 in UTC).
"""

import unicodedata
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, StringConstraints

FIRST_YEAR, LAST_YEAR = 1970, 2199


def no_control_characters(value: str) -> str:
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValueError("must not contain control characters")
    return value


def within_years(value: datetime) -> datetime:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"must lie in the years {FIRST_YEAR}-{LAST_YEAR}")
    return value


Text = Annotated[str, AfterValidator(no_control_characters)]
Identifier = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.:-]+$")]
Moment = Annotated[AwareDatetime, AfterValidator(within_years)]

__all__ = ["Identifier", "Moment", "Text", "no_control_characters", "within_years"]
