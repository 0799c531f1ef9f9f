"""Request bodies and parameters. Validation errors here become 422 with the field and a readable reason."""

import unicodedata
from datetime import date, time
from typing import Annotated, Any, TypeVar

from fastapi import Path
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from anpr_exemptions.domain.errors import InvalidExemption
from anpr_exemptions.domain.fields import tupled
from anpr_exemptions.domain.model import ExemptionKind
from anpr_exemptions.domain.permit import AMENDABLE, Terms
from anpr_exemptions.domain.plate import normalise_plate

_D = TypeVar("_D", bound=date)
FIRST_YEAR, LAST_YEAR = 1970, 2199


def _plate(value: str) -> str:
    try:
        return normalise_plate(value)
    except InvalidExemption as exc:
        raise ValueError(str(exc)) from None


def _scope_id(value: str) -> str:
    # Separators are refused so that a scope list survives the CSV import's "a|b" notation unchanged.
    refused = [ch for ch in value if ch.isspace() or ch in "|,;" or unicodedata.category(ch) == "Cc"]
    if not value or len(value) > 100 or refused:
        raise ValueError(f"{value!r} is not a regime or zone id: 1-100 characters without spaces, '|', ',' or ';'")
    return value


def _no_control_characters(value: str) -> str:
    # PostgreSQL refuses NUL in text, and no reference needs a control character.
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValueError("must not contain control characters")
    return value


def _in_years(value: _D) -> _D:
    # Far-off dates overflow on conversion between time zones; no permit needs them.
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"must lie in the years {FIRST_YEAR}-{LAST_YEAR}")
    return value


Plate = Annotated[str, AfterValidator(_plate)]
ScopeId = Annotated[str, AfterValidator(_scope_id)]
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), AfterValidator(_no_control_characters)
]
Moment = Annotated[AwareDatetime, AfterValidator(_in_years)]
Day = Annotated[date, AfterValidator(_in_years)]
ExemptionId = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._:-]+$")]


class ExemptionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    plate: Plate
    kind: ExemptionKind
    regimes: list[ScopeId] = Field(default_factory=list, description="Regime ids; empty = every regime.")
    zones: list[ScopeId] = Field(default_factory=list, description="Zone ids; empty = every zone.")
    valid_from: Moment | None = Field(default=None, description="Required, except for a day-permit.")
    valid_until: Moment | None = Field(default=None, description="Exclusive end; none = open-ended.")
    daily_from: time | None = Field(default=None, description="Amsterdam time each day; with daily_until.")
    daily_until: time | None = Field(default=None, description="Before daily_from = the window runs past midnight.")
    day: Day | None = Field(default=None, description="day-permit only: valid 00:00 that day to 06:00 the next.")
    reference: Text
    issuer: Text

    def terms(self) -> Terms:
        return Terms(**tupled(dict(self)))


class ExemptionPatch(BaseModel):
    """Only the fields sent change; `valid_until: null` makes a permit open-ended, `daily_*: null` all-day."""

    model_config = ConfigDict(extra="forbid")

    regimes: list[ScopeId] | None = None
    zones: list[ScopeId] | None = None
    valid_from: Moment | None = None
    valid_until: Moment | None = None
    daily_from: time | None = None
    daily_until: time | None = None
    day: Day | None = None
    reference: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _identity_is_fixed(cls, data: Any) -> Any:
        if isinstance(data, dict) and {"plate", "kind"} & data.keys():
            raise ValueError("plate and kind cannot change: revoke this permit and issue a new one")
        return data

    @model_validator(mode="after")
    def _something_sensible(self) -> "ExemptionPatch":
        if not self.model_fields_set:
            raise ValueError(f"nothing to change: send at least one of {', '.join(sorted(AMENDABLE))}")
        for name in ("regimes", "zones", "valid_from", "day", "reference"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self

    def changes(self) -> dict[str, Any]:
        return tupled({name: getattr(self, name) for name in self.model_fields_set})
