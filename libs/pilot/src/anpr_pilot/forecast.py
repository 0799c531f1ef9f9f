"""What-if forecast: replay the counted hours of a period against a proposed regime.

Per location and hour of the period the reads counted then (or, for hours no regime judged, the fitted
weekly profile) meet the proposed regime: is it in force there and then (dates, windows, locations), in
which mode, and which share of the traffic would break it. That share comes from the vehicle mix
(traffic_model.VehicleMix), judged by the real rules engine through a `RegimeView` the rules service binds.
Candidates are violating reads less the same-day repeats counted in the period; reviewer hours follow
from the measured review throughput."""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from anpr_pilot.traffic_model import (
    REVIEW,
    VIOLATING,
    VIOLATING_STRATUM,
    HourCount,
    Shares,
    VehicleMix,
    volumes,
    weekly_profile,
)

LOCAL = ZoneInfo("Europe/Amsterdam")  # a day of candidates is a local day (one candidate per vehicle per day)


class RegimeView(Protocol):
    """A regime as the forecast needs it; the rules service implements it with its own engine."""

    @property
    def regime_id(self) -> str: ...
    @property
    def reviews_unknown(self) -> bool: ...  # foreign and unregistered plates become review items
    def in_force(self, moment: datetime, location_id: str) -> bool: ...
    def mode_at(self, moment: datetime) -> str | None: ...
    def strata(self, day: date) -> Sequence[str]: ...  # verdict per sample vehicle: violating | exempt | no_hit


@dataclass(frozen=True)
class ReviewRates:
    decisions_per_hour: float  # one reviewer's measured throughput
    acceptance: float = 1.0  # accepted / decided, measured
    exemption_request_rate: float | None = None  # per newly affected candidate; None: the fitted permit share


@dataclass(frozen=True)
class DayForecast:
    day: date
    reads: float
    violating_reads: float
    candidates: float
    review_items: float
    reviewer_hours: float
    warning_letters: float
    notices: float
    exemption_requests: float
    actual_candidates: int  # what the baseline regime raised that day (candidates and review items)


@dataclass(frozen=True)
class Forecast:
    regime_id: str
    baseline_regime_id: str
    since: datetime
    until: datetime
    days: list[DayForecast]
    permit_share: float
    unobserved_hours: int  # (location, hour) pairs filled from the weekly profile

    def totals(self) -> dict[str, float]:
        keys = [k for k in DayForecast.__dataclass_fields__ if k != "day"]
        return {k: round(sum(float(getattr(d, k)) for d in self.days), 1) for k in keys}

    def to_json(self) -> dict[str, Any]:
        return {
            "regime_id": self.regime_id,
            "baseline_regime_id": self.baseline_regime_id,
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "permit_share": round(self.permit_share, 4),
            "unobserved_hours": self.unobserved_hours,
            "totals": self.totals(),
            "days": [{**asdict(d), "day": d.day.isoformat()} | _rounded(d) for d in self.days],
        }


def _rounded(day: DayForecast) -> dict[str, float]:
    return {k: round(v, 2) for k, v in asdict(day).items() if isinstance(v, float)}


def forecast(
    rows: Sequence[HourCount],
    baseline: RegimeView,
    proposed: RegimeView,
    since: datetime,
    until: datetime,
    rates: ReviewRates,
    new_locations: Mapping[str, str] | None = None,
) -> Forecast:
    """`new_locations`: location -> an existing location whose traffic it is expected to see."""
    rows = [r for r in rows if since <= r.hour < until]
    mine = [r for r in rows if r.regime_id == baseline.regime_id]
    volume = volumes(rows)
    like = {loc: loc for loc, _ in volume} | dict(new_locations or {})
    shares = {loc: Shares.of(r for r in mine if r.location_id == loc) for loc in set(like.values())}
    overall = Shares.of(mine)
    middle = (since + (until - since) / 2).astimezone(LOCAL).date()
    base_middle = list(baseline.strata(middle))
    mixes = {
        loc: VehicleMix.fit(base_middle, s if s.reads >= 200 else overall)  # too few reads: the whole period's mix
        for loc, s in shares.items()
    }
    violate_share = _ViolateShare(baseline, proposed, mixes)
    by_hour = _Hour.of(mine)
    days: dict[date, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    unobserved = 0
    profiles = {loc: weekly_profile(volume, loc) for loc in set(like.values())}
    hour = since.replace(minute=0, second=0, microsecond=0)
    while hour < until:
        day = hour.astimezone(LOCAL).date()
        for loc, source in like.items():
            counted = volume.get((source, hour))
            if counted is None and baseline.in_force(hour, source):
                counted = 0  # the baseline judged this hour there and counted nothing: no traffic
            if counted is None:
                unobserved += 1
                counted = round(profiles[source].get((hour.weekday(), hour.hour), 0.0))
            if not counted or not proposed.in_force(hour, loc):
                continue
            s = shares[source] if shares[source].reads >= 200 else overall
            fresh, newly = violate_share(source, day)
            mix = mixes[source]
            counted_hour = by_hour.get((source, hour))
            was = violate_share.baseline(source, day)
            if counted_hour is not None and was > 0:
                # Replay the hour as counted, rescaled by how much more (or less) of the same traffic the
                # proposed regime catches: exact for an unchanged regime, and the hour's own noise is kept.
                ratio = fresh / was
                violating = counted_hour.violating * ratio
                raised = counted_hour.raised(s.duplicate_of_violating) * ratio
                review = counted_hour.review if proposed.reviews_unknown else 0.0
                at_baseline_mix = float(counted_hour.violating), counted_hour.raised(s.duplicate_of_violating)
            else:  # an hour the baseline did not judge: the fitted model alone
                judged = counted * (1 - s.review) * (1 - mix.permit_share)
                violating, raised = judged * fresh, judged * fresh * (1 - s.duplicate_of_violating)
                review = counted * s.review if proposed.reviews_unknown else 0.0
                at_baseline_mix = judged * was, judged * was * (1 - s.duplicate_of_violating)
            mode = proposed.mode_at(hour)
            entry = days[day]
            entry["reads"] += counted
            entry["violating_reads"] += violating
            if mode in ("warn", "enforce"):
                candidates = raised
                entry["kept_violating"] += at_baseline_mix[0]  # the traffic the proposal covers, baseline mix
                entry["kept_raised"] += at_baseline_mix[1]
                entry["candidates"] += candidates
                entry["review_items"] += review
                entry["warning_letters" if mode == "warn" else "notices"] += candidates * rates.acceptance
                request_rate = (
                    mix.permit_share if rates.exemption_request_rate is None else rates.exemption_request_rate
                )
                entry["exemption_requests"] += candidates * (newly / fresh if fresh else 0.0) * request_rate
        hour += timedelta(hours=1)
    for day, counted_day in _per_day(by_hour, shares, overall).items():
        if day in days:
            _repeat_visits(days[day], *counted_day)
    actual = _actual_per_day(mine)
    result = [
        DayForecast(
            day=day,
            reads=v["reads"],
            violating_reads=v["violating_reads"],
            candidates=v["candidates"],
            review_items=v["review_items"],
            reviewer_hours=(v["candidates"] + v["review_items"]) / rates.decisions_per_hour,
            warning_letters=v["warning_letters"],
            notices=v["notices"],
            exemption_requests=v["exemption_requests"],
            actual_candidates=actual.get(day, 0),
        )
        for day, v in sorted(days.items())
    ]
    permit = sum(m.permit_share for m in mixes.values()) / len(mixes) if mixes else 0.0
    return Forecast(proposed.regime_id, baseline.regime_id, since, until, result, permit, unobserved)


def _repeat_visits(day: dict[str, float], violating: float, raised: float) -> None:
    """One candidate per vehicle per regime per DAY, wherever it was seen: more places or hours add repeat
    visits of violators already seen that day, fewer hours lose some (a violator first seen outside a new
    window is caught later inside it). A violator's violating reads of a day are taken as Poisson with a
    mean that differs between violators, exponentially (a few regulars, many passers-by: gamma-Poisson with
    shape 1). The day's counted candidates C and violating reads V give the mean visits t: C / V = 1 / (1 + t);
    k times that traffic raises C k (1 + t) / (1 + k t). The vehicle mix (a stricter class) is not traffic:
    its new violators are other vehicles, so k compares traffic at the baseline's mix only. (Equal visit
    rates undershot a new location by 11 % on the simulated pilot, one new violator per read overshot by 10 %:
    test_forecast_validation.py.)"""
    if not (violating > 0 and raised > 0 and day["kept_raised"] > 0 and day["candidates"] > 0):
        return
    visits = max(violating / raised - 1, 0.0)
    k = day["kept_violating"] / violating
    expected_at_baseline_mix = raised * k * (1 + visits) / (1 + k * visits)
    factor = expected_at_baseline_mix / day["kept_raised"]
    for key in ("candidates", "warning_letters", "notices", "exemption_requests"):
        day[key] *= factor


def _per_day(
    by_hour: Mapping[tuple[str, datetime], "_Hour"], shares: Mapping[str, Shares], overall: Shares
) -> dict[date, tuple[float, float]]:
    """Violating reads and candidates the baseline counted per local day, at every place and hour it judged."""
    found: dict[date, tuple[float, float]] = {}
    for (location, hour), counted in by_hour.items():
        s = shares.get(location, overall)
        s = s if s.reads >= 200 else overall
        day = hour.astimezone(LOCAL).date()
        violating, raised = found.get(day, (0.0, 0.0))
        found[day] = (violating + counted.violating, raised + counted.raised(s.duplicate_of_violating))
    return found


class _ViolateShare:
    """Share of the (judged) traffic at a location that breaks the proposed regime on a day, and the part of
    it that did not break the baseline (newly affected vehicles: they are the ones who ask for permits)."""

    def __init__(self, baseline: RegimeView, proposed: RegimeView, mixes: Mapping[str, VehicleMix]) -> None:
        self._baseline, self._proposed, self._mixes = baseline, proposed, mixes
        self._cache: dict[tuple[str, date], tuple[float, float]] = {}

    def baseline(self, location: str, day: date) -> float:
        weight = self._mixes[location].weight
        before = self._baseline.strata(day)
        total = sum(weight.get(b, 0.0) for b in before) or 1.0
        return sum(weight.get(b, 0.0) for b in before if b == VIOLATING_STRATUM) / total

    def __call__(self, location: str, day: date) -> tuple[float, float]:
        if (location, day) not in self._cache:
            weight = self._mixes[location].weight
            before, after = self._baseline.strata(day), self._proposed.strata(day)
            total = sum(weight.get(b, 0.0) for b in before) or 1.0
            violating = sum(weight.get(b, 0.0) for b, a in zip(before, after, strict=True) if a == VIOLATING_STRATUM)
            newly = sum(
                weight.get(b, 0.0)
                for b, a in zip(before, after, strict=True)
                if a == VIOLATING_STRATUM and b != VIOLATING_STRATUM
            )
            self._cache[location, day] = (violating / total, newly / total)
        return self._cache[location, day]


@dataclass
class _Hour:
    """What the baseline counted in one hour at one location."""

    violating: int = 0
    candidates: int = 0  # candidates proper: the baseline deduplicated them (warn, enforce)
    observed: int = 0  # observe mode: violating reads, not deduplicated
    review: int = 0

    def raised(self, duplicate_share: float) -> float:
        return self.candidates + self.observed * (1 - duplicate_share)

    @classmethod
    def of(cls, rows: Sequence[HourCount]) -> dict[tuple[str, datetime], "_Hour"]:
        found: dict[tuple[str, datetime], _Hour] = {}
        for row in rows:
            entry = found.setdefault((row.location_id, row.hour), cls())
            if row.outcome in VIOLATING:
                entry.violating += row.count
            if row.outcome == "candidate":
                entry.candidates += row.count
            elif row.outcome == "observed":
                entry.observed += row.count
            elif row.outcome == REVIEW:
                entry.review += row.count
        return found


def _actual_per_day(rows: Sequence[HourCount]) -> dict[date, int]:
    found: dict[date, int] = defaultdict(int)
    for row in rows:
        if row.outcome in ("candidate", "not_enforceable"):
            found[row.hour.astimezone(LOCAL).date()] += row.count
    return found
