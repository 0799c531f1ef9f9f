"""The pilot screen's pure parts: the regimes in force as a planner reads them (mode now, next switch), and
the period a planner picks (whole local days, both ends included) as the instants the APIs want."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

LOCAL = ZoneInfo("Europe/Amsterdam")  # the municipality's days: a period starts and ends at local midnight


class PilotProblem(ValueError):
    """A field the person must fix: `message` is a message key, `detail` the service's own reason (if any)."""

    def __init__(self, field: str, message: str, detail: str = "") -> None:
        super().__init__(f"{field}: {message} {detail}".strip())
        self.field = field
        self.message = message
        self.detail = detail


@dataclass(frozen=True)
class Switch:
    starts: datetime
    mode: str


@dataclass(frozen=True)
class RegimeRow:
    id: str
    version: str
    name: str
    kind: str
    locations: tuple[str, ...]
    zones: tuple[str, ...]
    effective_from: datetime
    effective_until: datetime | None
    current_mode: str | None  # None: its first mode switch lies ahead
    next_switch: Switch | None
    switches: tuple[Switch, ...]


def _instant(value: Any) -> datetime:
    return datetime.fromisoformat(str(value))


def regime_rows(regimes: list[dict[str, Any]], now: datetime) -> list[RegimeRow]:
    """rules' GET /v1/regimes -> one row per regime, sorted by id. A switch never applies retroactively, so the
    current mode is that of the last switch at or before `now` (as rules itself decides)."""
    rows = []
    for regime in regimes:
        switches = tuple(sorted((Switch(_instant(m["starts"]), str(m["mode"])) for m in regime["modes"]), key=_key))
        past = [s for s in switches if s.starts <= now]
        ahead = [s for s in switches if s.starts > now]
        where = regime.get("applies_at") or {}
        until = regime.get("effective_until")
        rows.append(
            RegimeRow(
                id=str(regime["id"]),
                version=str(regime.get("version", "")),
                name=str(regime.get("name", "")),
                kind=str(regime.get("kind", "")),
                locations=tuple(where.get("locations") or ()),
                zones=tuple(where.get("zones") or ()),
                effective_from=_instant(regime["effective_from"]),
                effective_until=_instant(until) if until else None,
                current_mode=past[-1].mode if past else None,
                next_switch=ahead[0] if ahead else None,
                switches=switches,
            )
        )
    return sorted(rows, key=lambda row: row.id)


def _key(switch: Switch) -> datetime:
    return switch.starts


@dataclass(frozen=True)
class Period:
    first: date  # the first local day
    last: date  # the last local day, included

    @property
    def since(self) -> datetime:
        return datetime.combine(self.first, time(0), LOCAL)

    @property
    def until(self) -> datetime:
        """Exclusive: local midnight after the last day (the APIs' `until` is exclusive)."""
        return datetime.combine(self.last + timedelta(days=1), time(0), LOCAL)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def params(self) -> dict[str, str]:
        return {"from": self.first.isoformat(), "to": self.last.isoformat()}


def _day(form: Mapping[str, str], field: str) -> date:
    text = form.get(field, "").strip()
    if not text:
        raise PilotProblem(field, "pilot.form.date_required")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PilotProblem(field, "pilot.form.date_invalid") from None


def parse_period(form: Mapping[str, str], max_days: int) -> Period:
    """`from` and `to` (ISO dates, as <input type=date> sends them), both included, at most `max_days`."""
    period = Period(_day(form, "from"), _day(form, "to"))
    if period.last < period.first:
        raise PilotProblem("to", "pilot.form.to_before_from")
    if period.days > max_days:
        raise PilotProblem("to", "pilot.form.period_too_long", str(max_days))
    return period


def default_period(today: date, days: int) -> Period:
    """The last `days` whole days before today: a report or a replay needs days that are over."""
    return Period(today - timedelta(days=days), today - timedelta(days=1))
