"""Per-location violation and traffic rates, learned from the hourly counts of observe/warn mode.

A rate is per camera-day: the counts of a location are divided by the days a camera actually stood there
(placement history), so a location watched three days of thirty is not taken for a quiet one."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from anpr_pilot.forecast import LOCAL
from anpr_pilot.scenario import LocationRates
from anpr_pilot.traffic_model import REVIEW, VIOLATING, HourCount, volumes

# What a rotating camera "detects": reads that break a regime, for review or not. Same-day repeats
# (duplicate) are left out: they raise nothing.
DETECTED = (VIOLATING - {"duplicate"}) | {REVIEW}


@dataclass(frozen=True)
class Stood:
    location_id: str
    valid_from: datetime
    valid_until: datetime | None


def camera_days(placements: Iterable[Stood], since: datetime, until: datetime) -> dict[str, dict[int, float]]:
    """Per location and weekday, the days (fractions) some camera stood there within the window."""
    found: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    for stood in placements:
        start, end = max(stood.valid_from, since), min(stood.valid_until or until, until)
        moment = start
        while moment < end:
            step = min(end, moment + timedelta(hours=1))
            found[stood.location_id][moment.astimezone(LOCAL).weekday()] += (step - moment).total_seconds() / 86400
            moment = step
    return found


def learn_rates(
    rows: Sequence[HourCount], placements: Sequence[Stood], locations: Sequence[str], since: datetime, until: datetime
) -> list[LocationRates]:
    """One `LocationRates` per consenting location; one never watched gets the mean of the others (a prior)."""
    detected: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    # A read breaking two regimes is one detection: the largest regime's count per hour and location.
    best: dict[tuple[str, datetime], float] = defaultdict(float)
    by_regime: dict[tuple[str, datetime, str], float] = defaultdict(float)
    for row in rows:
        if since <= row.hour < until and row.outcome in DETECTED:
            by_regime[row.location_id, row.hour, row.regime_id] += row.count
    for (location, hour, _), count in by_regime.items():
        best[location, hour] = max(best[location, hour], count)
    for (location, hour), count in best.items():
        detected[location][hour.astimezone(LOCAL).weekday()] += count
    reads: dict[str, float] = defaultdict(float)
    for (location, _), count in volumes(r for r in rows if since <= r.hour < until).items():
        reads[location] += count
    present = camera_days(placements, since, until)
    learned: dict[str, LocationRates] = {}
    for location in locations:
        days = present.get(location, {})
        total_days = sum(days.values())
        if total_days < 1:
            continue
        weekly = tuple(detected[location][w] / days[w] if days.get(w, 0) >= 0.5 else -1.0 for w in range(7))
        known = [v for v in weekly if v >= 0]
        mean = sum(known) / len(known) if known else 0.0
        learned[location] = LocationRates(
            location, tuple(v if v >= 0 else mean for v in weekly), reads[location] / total_days, total_days
        )
    prior = _mean_week(list(learned.values()))
    return [learned.get(loc) or LocationRates(loc, prior) for loc in locations]


def _mean_week(known: list[LocationRates]) -> tuple[float, ...]:
    if not known:
        return (0.0,) * 7
    return tuple(sum(r.violations_per_day[w] for r in known) / len(known) for w in range(7))
