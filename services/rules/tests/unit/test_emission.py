from datetime import date

import pytest

from anpr_rules.domain.emission import emission_class

from .fakes import a_vehicle

LIGHT = 1280  # cars/vans up to 1,280 kg
MEDIUM = 2585  # 1,280-2,585 kg


def derived(first_admission: date | None, mass: int | None) -> int | None:
    return emission_class(
        a_vehicle(registered_emission_class=None, first_admission=first_admission, empty_mass_kg=mass)
    )


@pytest.mark.parametrize(
    ("first_admission", "klass"),
    [
        (date(1985, 1, 1), 0),
        (date(1992, 6, 30), 0),
        (date(1992, 7, 1), 1),
        (date(1995, 12, 31), 1),
        (date(1996, 1, 1), 2),
        (date(1999, 12, 31), 2),
        (date(2000, 1, 1), 3),
        (date(2004, 12, 31), 3),
        (date(2005, 1, 1), 4),
        (date(2009, 8, 31), 4),
        (date(2009, 9, 1), 5),
        (date(2014, 8, 31), 5),
        (date(2014, 9, 1), 6),
        (date(2024, 1, 1), 6),
    ],
)
def test_light_band_class_by_first_admission(first_admission: date, klass: int) -> None:
    assert derived(first_admission, 1100) == klass


@pytest.mark.parametrize(
    ("first_admission", "klass"),
    [
        (date(1993, 9, 30), 0),
        (date(1993, 10, 1), 1),
        (date(1996, 12, 31), 1),
        (date(1997, 1, 1), 2),
        (date(1999, 12, 31), 2),
        (date(2000, 1, 1), 3),
        (date(2004, 12, 31), 3),
        (date(2005, 1, 1), 4),
        (date(2009, 9, 1), 4),  # class 5 for light vehicles already, not for medium ones
        (date(2010, 8, 31), 4),
        (date(2010, 9, 1), 5),
        (date(2015, 8, 31), 5),
        (date(2015, 9, 1), 6),
    ],
)
def test_medium_band_class_by_first_admission(first_admission: date, klass: int) -> None:
    assert derived(first_admission, 1800) == klass


def test_band_edges_by_mass() -> None:
    admitted = date(2010, 1, 1)  # light: class 5, medium: class 4
    assert derived(admitted, LIGHT) == 5
    assert derived(admitted, LIGHT + 1) == 4
    assert derived(admitted, MEDIUM) == 4


def test_heavy_vehicle_is_not_derived() -> None:
    assert derived(date(2010, 1, 1), MEDIUM + 1) is None
    assert derived(date(2020, 1, 1), 12000) is None


def test_no_date_or_no_mass_is_not_derived() -> None:
    assert derived(None, 1100) is None
    assert derived(date(2010, 1, 1), None) is None


@pytest.mark.parametrize("registered", [0, 2, 6])
def test_registered_class_wins_over_the_derived_one(registered: int) -> None:
    vehicle = a_vehicle(registered_emission_class=registered, first_admission=date(2012, 1, 1), empty_mass_kg=1100)
    assert emission_class(vehicle) == registered


def test_registered_class_counts_even_for_heavy_vehicles_without_date() -> None:
    vehicle = a_vehicle(registered_emission_class=5, first_admission=None, empty_mass_kg=None)
    assert emission_class(vehicle) == 5
