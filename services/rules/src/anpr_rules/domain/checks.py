"""`VehicleCriteria` turned into the few checks it actually sets, made once per regime (`plan`): the hot
path of judging asks only those, against facts worked out once per read (`Seen`). Each check answers the
same reason `VehicleCriteria.matches` gives, in the same order, so explanations do not change."""

from collections.abc import Callable
from datetime import date

from anpr_rules.domain.criteria import NOT_MOTOR_VEHICLE_KINDS, ZERO_EMISSION_FUELS, VehicleCriteria
from anpr_rules.domain.seen import Seen

Check = Callable[[Seen, float], str | None]  # the reason the vehicle does not match at that moment, or None


class Checks:
    """`miss`: the first reason the vehicle does not match, None when it matches."""

    __slots__ = ("_relaxed", "checks", "criteria")

    def __init__(self, criteria: VehicleCriteria) -> None:
        self.criteria = criteria
        self.checks = _compiled(criteria)
        self._relaxed: dict[tuple[bool, bool], Checks] = {}

    def miss(self, seen: Seen, ts: float) -> str | None:
        for check in self.checks:
            reason = check(seen, ts)
            if reason is not None:
                return reason
        return None

    def undecided(self, seen: Seen, ts: float) -> str | None:
        """As `VehicleCriteria.undecided`: the fact the registry lacks when only that keeps it from matching."""
        c = self.criteria
        no_mass = (c.min_mass_kg is not None or c.max_mass_kg is not None) and seen.vehicle.max_mass_kg is None
        no_class = (c.min_emission_class is not None or c.max_emission_class is not None) and seen.klass is None
        if not (no_mass or no_class):
            return None
        if self._relaxed_without(no_mass, no_class).miss(seen, ts) is not None:
            return None
        return ", ".join(m for m, lacks in (("mass unknown", no_mass), ("emission class unknown", no_class)) if lacks)

    def _relaxed_without(self, mass: bool, klass: bool) -> "Checks":
        found = self._relaxed.get((mass, klass))
        if found is None:
            ignored = {"min_mass_kg": None, "max_mass_kg": None} if mass else {}
            ignored |= {"min_emission_class": None, "max_emission_class": None} if klass else {}
            found = self._relaxed[(mass, klass)] = Checks(self.criteria.model_copy(update=ignored))
        return found


def _within(value: int | None, low: int | None, high: int | None) -> bool:
    return value is not None and (low is None or value >= low) and (high is None or value <= high)


def _compiled(c: VehicleCriteria) -> tuple[Check, ...]:
    checks: list[Check] = []
    if c.until is not None:
        until, ended = c.until.timestamp(), f"transitional admission ended {c.until.date()}"
        checks.append(lambda s, ts: ended if ts >= until else None)
    if c.categories:
        categories = frozenset(c.categories)
        checks.append(lambda s, ts: None if s.vehicle.category in categories else f"category {s.vehicle.category}")
    if c.kinds:
        kinds = frozenset(c.kinds)
        checks.append(lambda s, ts: None if s.vehicle.kind in kinds else f"vehicle kind {s.vehicle.kind}")
    if c.not_kinds:
        not_kinds = frozenset(k.lower() for k in c.not_kinds)
        checks.append(lambda s, ts: f"vehicle kind {s.vehicle.kind}" if s.kind in not_kinds else None)
    if c.motor_vehicle is not None:
        # Each check's values under names of their own: a closure reads its variable when it runs.
        motor, motor_text = c.motor_vehicle, f"is {'not ' if c.motor_vehicle else ''}a motor vehicle (RVV 1990 art. 1)"
        checks.append(
            lambda s, ts: None if (s.kind not in NOT_MOTOR_VEHICLE_KINDS) == motor else f"{s.vehicle.kind} {motor_text}"
        )
    if c.fuels_any:
        fuels = frozenset(f.lower() for f in c.fuels_any)
        checks.append(lambda s, ts: None if s.fuels & fuels else f"fuel {'/'.join(s.vehicle.fuels) or 'unknown'}")
    if c.zero_emission is not None:
        zero, zero_text = c.zero_emission, "zero emission" if c.zero_emission is False else "not zero emission"
        checks.append(lambda s, ts: None if (bool(s.fuels) and s.fuels <= ZERO_EMISSION_FUELS) == zero else zero_text)
    if c.min_emission_class is not None or c.max_emission_class is not None:
        low, high = c.min_emission_class, c.max_emission_class
        checks.append(lambda s, ts: None if _within(s.klass, low, high) else _class_text(s))
    if c.first_admission_from is not None or c.first_admission_before is not None:
        start, before = c.first_admission_from, c.first_admission_before
        checks.append(
            lambda s, ts: None if _date_within(s, start, before) else f"first admission {s.vehicle.first_admission}"
        )
    if c.min_mass_kg is not None or c.max_mass_kg is not None:
        least, most = c.min_mass_kg, c.max_mass_kg
        checks.append(
            lambda s, ts: None if _within(s.vehicle.max_mass_kg, least, most) else f"mass {s.vehicle.max_mass_kg} kg"
        )
    if c.inrichting_any or c.not_inrichting:
        any_of = frozenset(i.lower() for i in c.inrichting_any)
        not_of = frozenset(i.lower() for i in c.not_inrichting)
        checks.append(
            lambda s, ts: (
                f"inrichting {s.vehicle.inrichting}"
                if (any_of and s.inrichting not in any_of) or s.inrichting in not_of
                else None
            )
        )
    return tuple(checks)


def _class_text(seen: Seen) -> str:
    return "emission class unknown" if seen.klass is None else f"emission class {seen.klass}"


def _date_within(seen: Seen, start: date | None, before: date | None) -> bool:
    value = seen.vehicle.first_admission
    return value is not None and (start is None or value >= start) and (before is None or value < before)
