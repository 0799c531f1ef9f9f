"""Turning what a client asks for (`Terms`) into a valid `Exemption`, on creation and on every change."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from typing import Any

from anpr_exemptions.domain.errors import InvalidExemption
from anpr_exemptions.domain.fields import TERM_FIELDS, fields_of
from anpr_exemptions.domain.local_time import day_permit_validity
from anpr_exemptions.domain.model import Exemption, ExemptionKind


@dataclass(frozen=True)
class DayPermitPolicy:
    municipality: str
    per_year: int
    ends_next_day_at: time = time(6)


@dataclass(frozen=True)
class Terms:
    plate: str
    kind: ExemptionKind
    reference: str
    issuer: str
    regimes: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    daily_from: time | None = None
    daily_until: time | None = None
    day: date | None = None


# Plate and kind define what a permit is: changing them is a new permit (revoke, then issue).
AMENDABLE = frozenset(
    {"regimes", "zones", "valid_from", "valid_until", "daily_from", "daily_until", "day", "reference"}
)


def issue(exemption_id: str, terms: Terms, policy: DayPermitPolicy) -> Exemption:
    _check_daily(terms)
    valid_from: datetime
    valid_until: datetime | None
    if terms.kind is ExemptionKind.DAY_PERMIT:
        valid_from, valid_until = _day_permit_period(terms, policy)
    else:
        valid_from, valid_until = _period(terms)
    return Exemption(
        exemption_id=exemption_id,
        plate=terms.plate,
        kind=terms.kind,
        regimes=tuple(dict.fromkeys(terms.regimes)),
        zones=tuple(dict.fromkeys(terms.zones)),
        valid_from=valid_from,
        valid_until=valid_until,
        daily_from=terms.daily_from,
        daily_until=terms.daily_until,
        day=terms.day,
        municipality=policy.municipality if terms.kind is ExemptionKind.DAY_PERMIT else None,
        reference=terms.reference,
        issuer=terms.issuer,
    )


def amend(current: Exemption, changes: Mapping[str, Any], policy: DayPermitPolicy) -> Exemption:
    refused = sorted(set(changes) - AMENDABLE)
    if refused:
        raise InvalidExemption(f"cannot change {', '.join(refused)}: revoke this permit and issue a new one")
    amended = issue(current.exemption_id, replace(terms_of(current), **changes), policy)
    # A day permit keeps counting against the quota of the municipality that issued it.
    return replace(amended, municipality=current.municipality)


def terms_of(exemption: Exemption) -> Terms:
    values = fields_of(exemption)
    terms = Terms(**{name: values[name] for name in TERM_FIELDS})
    if exemption.kind is ExemptionKind.DAY_PERMIT:  # its validity follows from `day`
        return replace(terms, valid_from=None, valid_until=None)
    return terms


def _day_permit_period(terms: Terms, policy: DayPermitPolicy) -> tuple[datetime, datetime]:
    until = policy.ends_next_day_at.strftime("%H:%M")
    if terms.day is None:
        raise InvalidExemption(
            f"a day-permit needs day (YYYY-MM-DD): it is valid from 00:00 until {until} the next day"
        )
    given = [n for n in ("valid_from", "valid_until", "daily_from", "daily_until") if getattr(terms, n) is not None]
    if given:
        raise InvalidExemption(
            f"a day-permit takes only day, not {', '.join(given)}: it is valid from 00:00 that day until {until} "
            "the next day (Amsterdam time)"
        )
    return day_permit_validity(terms.day, policy.ends_next_day_at)


def _period(terms: Terms) -> tuple[datetime, datetime | None]:
    if terms.day is not None:
        raise InvalidExemption(f"day is only for a day-permit; a {terms.kind} permit takes valid_from and valid_until")
    if terms.valid_from is None:
        raise InvalidExemption(f"valid_from is required for a {terms.kind} permit")
    for name in ("valid_from", "valid_until"):
        value: datetime | None = getattr(terms, name)
        if value is not None and value.utcoffset() is None:
            raise InvalidExemption(f"{name} needs a UTC offset, e.g. 2026-01-01T00:00:00+01:00")
    if terms.valid_until is not None and terms.valid_until <= terms.valid_from:
        raise InvalidExemption(
            f"valid_until ({terms.valid_until.isoformat()}) must be after valid_from ({terms.valid_from.isoformat()})"
        )
    # Stored and answered in UTC, whatever offset the client used: one permit reads the same everywhere.
    return terms.valid_from.astimezone(UTC), terms.valid_until.astimezone(UTC) if terms.valid_until else None


def _check_daily(terms: Terms) -> None:
    start, end = terms.daily_from, terms.daily_until
    if start is None and end is None:
        return
    if start is None or end is None:
        raise InvalidExemption(
            "daily_from and daily_until go together: give both (Amsterdam time, e.g. 22:00 and 02:00) "
            "or neither for the whole day"
        )
    if start.tzinfo is not None or end.tzinfo is not None:
        raise InvalidExemption("daily_from and daily_until are Amsterdam wall-clock times: give them without an offset")
    if start == end:
        raise InvalidExemption("daily_from equals daily_until: leave both out for a permit valid all day")
