"""Automatic exemptions from RDW data (domain notes §2): no application needed."""

from collections.abc import Collection
from datetime import date, datetime

from anpr_rules.domain.regime import AutomaticExemption
from anpr_rules.domain.vehicle import Vehicle
from anpr_rules.domain.windows import AMSTERDAM

WHEELCHAIR_BODY_CODES = frozenset({"SH"})
SPECIAL_TRUCK_BODY_CODES = frozenset({"15", "16", "19", "23", "26", "27", "31"})
SPECIAL_PURPOSE_BODY_CODES = frozenset({"SB", "SF"})


def _years_between(start: date, end: date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def automatic_exemption(
    vehicle: Vehicle, moment: datetime, admitted: tuple[AutomaticExemption, ...], wheelchair_codes: tuple[str, ...]
) -> AutomaticExemption | None:
    """The first automatic exemption (of those the regime admits) that this vehicle has at that moment.
    Ages count on the local (Amsterdam) date: 00:30 on a birthday is the birthday."""
    return automatic_exemption_on(vehicle, moment.astimezone(AMSTERDAM).date(), admitted, wheelchair_codes)


def automatic_exemption_on(
    vehicle: Vehicle, today: date, admitted: tuple[AutomaticExemption, ...], wheelchair_codes: Collection[str]
) -> AutomaticExemption | None:
    """`automatic_exemption` on a local date already known (judging works it out once per read)."""
    age = _years_between(vehicle.first_admission, today) if vehicle.first_admission else None
    for kind in admitted:
        if kind is AutomaticExemption.AGE_40_YEARS and age is not None and age >= 40:
            return kind
        if kind is AutomaticExemption.WHEELCHAIR and (
            any(code in wheelchair_codes for code in vehicle.special_codes)
            or any(code in WHEELCHAIR_BODY_CODES for code in vehicle.body_codes)
        ):
            return kind
        if kind is AutomaticExemption.SPECIAL_BODY and vehicle.category in ("N2", "N3"):
            codes = set(vehicle.body_codes)
            if codes & SPECIAL_TRUCK_BODY_CODES or (
                codes & SPECIAL_PURPOSE_BODY_CODES and age is not None and age < 13
            ):
                return kind
    return None
