"""The baseline a plan is measured against: what a municipality does without rates, cameras taking the
locations in turn (alphabetical), each moving on after a fixed stay, on the first day the crew can.

It keeps the same constraints where a rule of thumb can (crew days, blackouts, weekly move budget, stay
lengths); `check_schedule` tells when it could not."""

from datetime import date

from anpr_pilot.scenario import Scenario, Schedule


def round_robin(scenario: Scenario, stay_days: int = 7) -> Schedule:
    rules = scenario.constraints
    stay = min(max(stay_days, rules.min_stay_days), rules.max_stay_days)
    order = sorted(loc.location_id for loc in scenario.locations)
    if not order:
        return Schedule("round robin", tuple(scenario.dates), {c: (None,) * scenario.days for c in scenario.cameras})
    where: dict[str, str | None] = {c: scenario.current.get(c) for c in scenario.cameras}
    since: dict[str, int] = dict.fromkeys(scenario.cameras, 0)
    turn = {c: n % len(order) for n, c in enumerate(scenario.cameras)}
    spots: dict[str, list[str | None]] = {c: [] for c in scenario.cameras}
    moves_in_week: dict[tuple[int, int], int] = {}
    for day in scenario.dates:
        week = day.isocalendar()[:2]
        taken: set[str] = set()
        for camera in scenario.cameras:
            here = where[camera]
            due = here is None or since[camera] >= stay or (here, day) in rules.location_blackout
            can_move = rules.may_move_on(day) and moves_in_week.get(week, 0) < rules.max_moves_per_week
            if due and can_move:
                target = _next_free(order, turn[camera], taken | _others(where, camera), rules.location_blackout, day)
                if target is not None and target != here:
                    turn[camera] = (order.index(target) + 1) % len(order)
                    where[camera], since[camera] = target, 0
                    moves_in_week[week] = moves_in_week.get(week, 0) + 1
            here = where[camera]
            too_long = since[camera] >= rules.max_stay_days
            if here is None or (here, day) in rules.location_blackout or too_long or here in taken:
                where[camera], since[camera] = None, 0  # switched off: blacked out or out of stay
                spots[camera].append(None)
                continue
            taken.add(here)
            since[camera] += 1
            spots[camera].append(here)
    return Schedule("round robin", tuple(scenario.dates), {c: tuple(s) for c, s in spots.items()})


def _others(where: dict[str, str | None], camera: str) -> set[str]:
    return {loc for other, loc in where.items() if other != camera and loc is not None}


def _next_free(
    order: list[str], start: int, taken: set[str], blackout: frozenset[tuple[str, date]], day: date
) -> str | None:
    for step in range(len(order)):
        candidate = order[(start + step) % len(order)]
        if candidate not in taken and (candidate, day) not in blackout:
            return candidate
    return None
