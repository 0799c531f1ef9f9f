"""What a rotation plan is made for: the locations a camera may stand at, their rates, and the rules of moving.

Both the optimiser (planner.py) and the baseline (round_robin.py) take a `Scenario` and return a `Schedule`;
`check_schedule` says which constraint a schedule breaks, independently of how either was made."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class LocationRates:
    """What a camera standing at a location for one day is expected to see, learned in observe/warn mode."""

    location_id: str
    violations_per_day: tuple[float, ...]  # by weekday, Monday first (7 values)
    reads_per_day: float = 0.0
    camera_days_measured: float = 0.0  # 0: no camera stood there yet, the rate is a prior

    def __post_init__(self) -> None:
        if len(self.violations_per_day) != 7 or any(v < 0 for v in self.violations_per_day):
            raise ValueError(f"{self.location_id}: violations_per_day needs 7 non-negative values")

    def on(self, day: date) -> float:
        return self.violations_per_day[day.weekday()]


@dataclass(frozen=True)
class Constraints:
    min_stay_days: int = 1  # a camera moved to a location stays at least this long (cut short only by the horizon)
    max_stay_days: int = 14  # ... and at most this many consecutive days
    max_moves_per_week: int = 2  # installations at a new location, all cameras together, per ISO week
    crew_weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # a camera is mounted only on these (Monday 0)
    # No crew and no enforcement on these dates (public holidays, events): cameras stay put and count nothing.
    blackout: frozenset[date] = frozenset()
    # No camera may stand at this location on this date (road works, a market); it is switched off elsewhere.
    location_blackout: frozenset[tuple[str, date]] = frozenset()
    min_days_per_location: int = 0  # deterrence: every location covered at least this many days in the horizon
    max_days_per_location: int | None = None  # ... and at most this many

    def __post_init__(self) -> None:
        if not 1 <= self.min_stay_days <= self.max_stay_days:
            raise ValueError("need 1 <= min_stay_days <= max_stay_days")
        if self.max_moves_per_week < 0 or not self.crew_weekdays <= set(range(7)):
            raise ValueError("max_moves_per_week must be >= 0 and crew weekdays 0..6")

    def counts_nothing(self, location_id: str, day: date) -> bool:
        return day in self.blackout or (location_id, day) in self.location_blackout

    def may_move_on(self, day: date) -> bool:
        return day.weekday() in self.crew_weekdays and day not in self.blackout


@dataclass(frozen=True)
class Scenario:
    cameras: tuple[str, ...]
    locations: tuple[LocationRates, ...]  # only locations with the prosecutor's consent
    start: date
    days: int
    constraints: Constraints = Constraints()
    current: Mapping[str, str] = field(default_factory=dict)  # camera -> where it stands now (no move to stay)

    @property
    def dates(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]

    def rate(self, location_id: str, day: date) -> float:
        return next(loc.on(day) for loc in self.locations if loc.location_id == location_id)


@dataclass(frozen=True)
class Schedule:
    """Where each camera stands on each day of the horizon; None: switched off for the day."""

    method: str
    days: tuple[date, ...]
    at: Mapping[str, tuple[str | None, ...]]  # camera -> location per day

    def expected_detections(self, scenario: Scenario) -> float:
        return sum(
            scenario.rate(where, day)
            for spots in self.at.values()
            for where, day in zip(spots, self.days, strict=True)
            if where is not None and not scenario.constraints.counts_nothing(where, day)
        )

    def days_at(self, location_id: str) -> int:
        return len(
            {
                day
                for spots in self.at.values()
                for where, day in zip(spots, self.days, strict=True)
                if where == location_id
            }
        )

    def moves(self, scenario: Scenario) -> list[tuple[str, date, str]]:
        """(camera, day, location) for every installation: a camera arriving where it did not stand the day before."""
        found = []
        for camera, spots in self.at.items():
            before = scenario.current.get(camera)
            for where, day in zip(spots, self.days, strict=True):
                if where is not None and where != before:
                    found.append((camera, day, where))
                before = where
        return found


def check_schedule(schedule: Schedule, scenario: Scenario) -> list[str]:
    """Every constraint the schedule breaks, in words; empty when it keeps them all."""
    rules, problems = scenario.constraints, []
    known = {loc.location_id for loc in scenario.locations}
    for camera, spots in schedule.at.items():
        for where, day in zip(spots, schedule.days, strict=True):
            if where is not None and where not in known:
                problems.append(f"{camera} at {where} on {day}: no consent there")
            elif where is not None and (where, day) in rules.location_blackout:
                problems.append(f"{camera} at {where} on {day}: the location is blacked out")
        problems += _stays(camera, spots, schedule.days, scenario)
    for day_index, day in enumerate(schedule.days):
        standing = [spots[day_index] for spots in schedule.at.values() if spots[day_index] is not None]
        if len(standing) != len(set(standing)):
            problems.append(f"{day}: two cameras at one location")
    for camera, day, where in schedule.moves(scenario):
        if not rules.may_move_on(day):
            problems.append(f"{camera} moved to {where} on {day}: no crew that day")
    per_week: dict[tuple[int, int], int] = {}
    for _, day, _ in schedule.moves(scenario):
        week = day.isocalendar()[:2]
        per_week[week] = per_week.get(week, 0) + 1
    problems += [f"week {w}: {n} moves" for w, n in per_week.items() if n > rules.max_moves_per_week]
    for loc in known:
        covered = schedule.days_at(loc)
        if covered < rules.min_days_per_location:
            problems.append(f"{loc}: covered {covered} days, fewer than {rules.min_days_per_location}")
        if rules.max_days_per_location is not None and covered > rules.max_days_per_location:
            problems.append(f"{loc}: covered {covered} days, more than {rules.max_days_per_location}")
    return problems


def _stays(camera: str, spots: tuple[str | None, ...], days: tuple[date, ...], scenario: Scenario) -> list[str]:
    rules, problems = scenario.constraints, []
    runs: list[tuple[str | None, int, int]] = []  # (location, first index, length)
    for index, where in enumerate(spots):
        if runs and runs[-1][0] == where:
            runs[-1] = (where, runs[-1][1], runs[-1][2] + 1)
        else:
            runs.append((where, index, 1))
    for where, first, length in runs:
        if where is None:
            continue
        continued = first == 0 and scenario.current.get(camera) == where  # began before the horizon
        cut_by_horizon = first + length == len(days)
        if length < rules.min_stay_days and not continued and not cut_by_horizon:
            problems.append(f"{camera} at {where} from {days[first]}: {length} days, min {rules.min_stay_days}")
        if length > rules.max_stay_days:
            problems.append(f"{camera} at {where} from {days[first]}: {length} days, max {rules.max_stay_days}")
    return problems
