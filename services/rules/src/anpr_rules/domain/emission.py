"""Emission class: the registered one, else derived from first admission date and mass (domain notes §3)."""

from datetime import date

from anpr_rules.domain.vehicle import Vehicle

# (last day of the class, class) per mass band; later than the last entry means class 6.
_LIGHT = ((date(1992, 6, 30), 0), (date(1995, 12, 31), 1), (date(1999, 12, 31), 2), (date(2004, 12, 31), 3),
          (date(2009, 8, 31), 4), (date(2014, 8, 31), 5))  # fmt: skip
_MEDIUM = ((date(1993, 9, 30), 0), (date(1996, 12, 31), 1), (date(1999, 12, 31), 2), (date(2004, 12, 31), 3),
           (date(2010, 8, 31), 4), (date(2015, 8, 31), 5))  # fmt: skip
LIGHT_MAX_KG = 1280
MEDIUM_MAX_KG = 2585


def emission_class(vehicle: Vehicle) -> int | None:
    """None when neither registered nor derivable (no date, or a mass band the table does not cover)."""
    if vehicle.registered_emission_class is not None:
        return vehicle.registered_emission_class
    mass = vehicle.empty_mass_kg
    if vehicle.first_admission is None or mass is None or mass > MEDIUM_MAX_KG:
        return None
    table = _LIGHT if mass <= LIGHT_MAX_KG else _MEDIUM
    for last_day, klass in table:
        if vehicle.first_admission <= last_day:
            return klass
    return 6
