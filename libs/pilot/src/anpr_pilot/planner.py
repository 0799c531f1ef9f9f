"""The rotation plan as a constraint program (OR-Tools CP-SAT): which rotating camera stands where on which day.

The decision variables are whole stays: y[l, d, k] = a camera is installed at location l on day d and
stands there k days. A stay starts on a crew day (it is an installation), lasts between the minimum and
maximum stay (only the horizon's end may cut it short) and keeps clear of the location's blackout days;
a camera already standing somewhere may simply stay on (no installation, no minimum). Per day at most one
camera per location and no more stays than cameras; a stay may follow another at the same place on the
next day only with another camera (a handover, which needs a camera for both); at most
`max_moves_per_week` installations per ISO week. Rotating cameras are interchangeable, so stays carry no
camera: the stays of an optimal plan (each one handed over lengthened by a day) form an interval graph
with at most as many overlapping as there are cameras, and handing them out by start day (`_assign`)
always succeeds. This formulation relaxes much tighter than a camera x location x day grid: the solver
proves optimality on a month of eight locations in seconds instead of stalling.

The objective is the expected number of violations seen (rates learned in observe/warn mode), plus an
optional bonus per location and week covered: a camera that turns up everywhere now and then deters more
than one that never leaves the busiest street."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from ortools.sat.python import cp_model

from anpr_pilot.scenario import Scenario, Schedule

SCALE = 1000  # CP-SAT wants integers: rates in thousandths of a detection per day


class NoPlan(Exception):
    """The constraints leave no schedule (for example more coverage asked than cameras and days allow)."""


@dataclass(frozen=True)
class Plan:
    schedule: Schedule
    status: str  # OPTIMAL or FEASIBLE (time limit reached first)
    expected_detections: float
    objective_bound: float  # no schedule scores better than this (with the spread bonus): the gap left


@dataclass(frozen=True)
class Stay:
    location_id: str
    first: int  # day index
    days: int
    camera: str | None = None  # set for a camera already standing there at the start: no installation

    @property
    def last(self) -> int:
        return self.first + self.days - 1

    def covers(self, day: int) -> bool:
        return self.first <= day <= self.last


def plan_rotation(scenario: Scenario, spread_bonus: float = 0.0, time_limit_s: float = 20.0, seed: int = 1) -> Plan:
    """`spread_bonus`: detections a covered (location, week) is worth besides what it detects."""
    model = cp_model.CpModel()
    rules, dates = scenario.constraints, scenario.dates
    y = {stay: model.new_bool_var(f"y_{n}") for n, stay in enumerate(_possible_stays(scenario))}

    for camera in scenario.current:
        model.add_at_most_one(v for s, v in y.items() if s.camera == camera)
    handovers = _handovers(model, y, scenario)
    for d in range(len(dates)):
        # A handover ties up two cameras on its day: the one arriving and the one that may not stay on.
        busy = [v for s, v in y.items() if s.covers(d)] + [h for (_, day), h in handovers.items() if day == d]
        model.add(sum(busy) <= len(scenario.cameras))
    for loc in scenario.locations:
        mine = {s: v for s, v in y.items() if s.location_id == loc.location_id}
        for d in range(len(dates)):
            # One camera a day; and a stay follows another at the same place on the next day only as a
            # handover, so a camera's run at one location is one stay (its maximum holds).
            next_day = sum(v for s, v in mine.items() if s.covers(d) or s.first == d + 1)
            model.add(next_day <= 1 + handovers.get((loc.location_id, d + 1), 0))
        covered = sum(s.days * v for s, v in mine.items())
        model.add(covered >= rules.min_days_per_location)
        if rules.max_days_per_location is not None:
            model.add(covered <= rules.max_days_per_location)
    for week in {day.isocalendar()[:2] for day in dates}:
        installs = [v for s, v in y.items() if s.camera is None and dates[s.first].isocalendar()[:2] == week]
        model.add(sum(installs) <= rules.max_moves_per_week)

    objective: list[cp_model.LinearExprT] = [_value(stay, scenario) * v for stay, v in y.items()]
    if spread_bonus > 0:
        objective += _spread_terms(model, y, dates, round(spread_bonus * SCALE))
    model.maximize(sum(objective))

    solver = cp_model.CpSolver()
    # The limit is the solver's deterministic time (work done, about a second each on an idle core), so
    # the same inputs give the same plan on a busy or a quiet machine; wall time is only a backstop.
    solver.parameters.max_deterministic_time = time_limit_s
    solver.parameters.max_time_in_seconds = time_limit_s * 6
    solver.parameters.num_workers = 1  # deterministic, and the machine is shared
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise NoPlan(f"no rotation plan satisfies the constraints ({solver.status_name(status)})")
    chosen = [stay for stay, v in y.items() if solver.value(v)]
    schedule = Schedule("optimised (CP-SAT)", tuple(dates), _assign(chosen, scenario))
    bound = solver.best_objective_bound / SCALE
    return Plan(schedule, solver.status_name(status), schedule.expected_detections(scenario), bound)


def _handovers(
    model: cp_model.CpModel, y: dict[Stay, cp_model.IntVar], scenario: Scenario
) -> dict[tuple[str, int], cp_model.IntVar]:
    """h[l, d] = one stay at l ends on day d - 1 and the next starts there on day d: another camera takes
    over (a legal plan, and the only way to cover a place longer than the maximum stay). The arriving stay
    must go to a different camera, else one camera's run would be both stays and break their maximum; so
    on day d the leaving camera counts as busy too, which keeps `_assign` possible."""
    found: dict[tuple[str, int], cp_model.IntVar] = {}
    for loc in scenario.locations:
        mine = {s: v for s, v in y.items() if s.location_id == loc.location_id}
        for d in range(1, scenario.days):
            ending = [v for s, v in mine.items() if s.last == d - 1]
            starting = [v for s, v in mine.items() if s.first == d]
            if ending and starting:
                h = found[(loc.location_id, d)] = model.new_bool_var(f"h_{loc.location_id}_{d}")
                model.add(h <= sum(ending))  # only a real handover takes the second camera
                model.add(h <= sum(starting))
    return found


def _possible_stays(scenario: Scenario) -> Iterator[Stay]:
    rules, dates = scenario.constraints, scenario.dates
    horizon = len(dates)
    for loc in (loc.location_id for loc in scenario.locations):
        free = [(loc, day) not in rules.location_blackout for day in dates]
        for first in range(horizon):
            longest = 0
            while first + longest < horizon and longest < rules.max_stay_days and free[first + longest]:
                longest += 1
            for days in range(1, longest + 1):
                reaches_end = first + days == horizon
                for camera, place in scenario.current.items():
                    if first == 0 and place == loc:
                        yield Stay(loc, 0, days, camera)  # staying on: no crew, no minimum
                if rules.may_move_on(dates[first]) and (days >= rules.min_stay_days or reaches_end):
                    yield Stay(loc, first, days)


def _value(stay: Stay, scenario: Scenario) -> int:
    total = 0.0
    for d in range(stay.first, stay.last + 1):
        day = scenario.dates[d]
        if not scenario.constraints.counts_nothing(stay.location_id, day):
            total += scenario.rate(stay.location_id, day)
    return round(total * SCALE)


def _spread_terms(
    model: cp_model.CpModel, y: dict[Stay, cp_model.IntVar], dates: list[date], bonus: int
) -> list[cp_model.LinearExprT]:
    terms: list[cp_model.LinearExprT] = []
    weeks = sorted({day.isocalendar()[:2] for day in dates})
    for loc in sorted({s.location_id for s in y}):
        for week in weeks:
            days = [d for d, day in enumerate(dates) if day.isocalendar()[:2] == week]
            there = [v for s, v in y.items() if s.location_id == loc and any(s.covers(d) for d in days)]
            if there:
                covered = model.new_bool_var(f"w_{loc}_{week}")
                model.add(covered <= sum(there))
                terms.append(bonus * covered)
    return terms


def _assign(stays: list[Stay], scenario: Scenario) -> dict[str, tuple[str | None, ...]]:
    """Hand the chosen stays to cameras by start day: a staying-on stay to its own camera, every other to a
    camera free by then (there always is one: the solver kept overlaps, handovers included, within the
    number of cameras). A stay handed over to a successor at its place frees its camera a day later, so
    the successor gets another camera and no run is longer than its stays."""
    spots: dict[str, list[str | None]] = {c: [None] * scenario.days for c in scenario.cameras}
    free_from = dict.fromkeys(scenario.cameras, 0)
    starts = {(s.location_id, s.first) for s in stays}
    for stay in sorted(stays, key=lambda s: (s.first, s.camera is None)):
        camera = stay.camera or next(
            c for c in sorted(free_from, key=lambda c: (c in scenario.current, c)) if free_from[c] <= stay.first
        )
        for d in range(stay.first, stay.last + 1):
            spots[camera][d] = stay.location_id
        free_from[camera] = stay.last + 1 + ((stay.location_id, stay.last + 1) in starts)
    return {c: tuple(s) for c, s in spots.items()}
