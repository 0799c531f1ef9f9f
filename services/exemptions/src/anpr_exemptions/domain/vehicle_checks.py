"""What the vehicle registry says about a plate, as the applicant and the desk see it before anyone
decides: is it registered, what it is, and whether it is exempt without any application (domain notes §2:
40 years old, a wheelchair vehicle) or needs no ZE day permit at all (not a van or truck, zero emission)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from anpr_exemptions.domain.errors import InvalidExemption, RefusalCode

WHEELCHAIR_BODY_CODES = frozenset({"SH"})  # carrosserie: rolstoeltoegankelijk


@dataclass(frozen=True)
class VehicleFacts:
    """The RDW registry's row for a plate (rules keeps the registry; exemptions only reads it)."""

    plate: str
    kind: str  # voertuigsoort
    category: str | None  # M1, N1, N2, ...
    first_admission: date | None
    fuels: tuple[str, ...]
    emission_class: int | None
    special_codes: tuple[str, ...] = ()
    body_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckPolicy:
    day_permit_categories: frozenset[str]
    zero_emission_fuels: frozenset[str]
    wheelchair_codes: frozenset[str]
    automatic_age_years: int = 40


@dataclass(frozen=True)
class VehicleChecks:
    plate: str
    registered: bool
    kind: str | None = None
    category: str | None = None
    fuels: tuple[str, ...] = ()
    emission_class: int | None = None
    automatic: tuple[str, ...] = ()  # age_40_years, wheelchair: exempt without an application
    day_permit_needed: bool = False  # a van or truck on a fossil fuel: the ZE zone applies to it
    notes: tuple[str, ...] = ()


def _age(first: date, today: date) -> int:
    return today.year - first.year - ((today.month, today.day) < (first.month, first.day))


def vehicle_checks(plate: str, facts: VehicleFacts | None, today: date, policy: CheckPolicy) -> VehicleChecks:
    if facts is None:
        return VehicleChecks(plate, False, notes=("not in the RDW vehicle registry",))
    automatic: list[str] = []
    notes: list[str] = []
    if facts.first_admission is not None and _age(facts.first_admission, today) >= policy.automatic_age_years:
        automatic.append("age_40_years")
        notes.append(f"{policy.automatic_age_years} years or older: exempt without an application")
    if set(facts.special_codes) & policy.wheelchair_codes or set(facts.body_codes) & WHEELCHAIR_BODY_CODES:
        automatic.append("wheelchair")
        notes.append("a wheelchair vehicle: exempt without an application")
    zero_emission = bool(facts.fuels) and set(facts.fuels) <= policy.zero_emission_fuels
    covered = facts.category in policy.day_permit_categories and not zero_emission
    if zero_emission:
        notes.append("zero emission: the ZE zone does not apply")
    elif not covered:
        notes.append(f"category {facts.category or 'unknown'}: the ZE zone applies to vans and trucks only")
    return VehicleChecks(
        plate=plate,
        registered=True,
        kind=facts.kind,
        category=facts.category,
        fuels=facts.fuels,
        emission_class=facts.emission_class,
        automatic=tuple(automatic),
        day_permit_needed=covered and not automatic,
        notes=tuple(notes),
    )


def day_permit_refusal(checks: VehicleChecks) -> InvalidExemption | None:
    """Why a day permit cannot be granted for this vehicle (the error to raise), or None."""
    plate = checks.plate
    if not checks.registered:
        return not_registered(plate)
    if checks.automatic:
        reasons = ", ".join(checks.automatic)
        message = f"plate: {plate} is exempt without a permit ({reasons})"
        return InvalidExemption(message, RefusalCode.PLATE_EXEMPT_AUTOMATICALLY, plate=plate, reasons=reasons)
    if not checks.day_permit_needed:
        message = f"plate: {plate} needs no day permit ({'; '.join(checks.notes)})"
        return InvalidExemption(message, RefusalCode.PLATE_NEEDS_NO_DAY_PERMIT, plate=plate)
    return None


def not_registered(plate: str) -> InvalidExemption:
    return InvalidExemption(
        f"plate: {plate} is not in the RDW vehicle registry", RefusalCode.PLATE_NOT_REGISTERED, plate=plate
    )


def fuels_of(values: Sequence[str] | None) -> tuple[str, ...]:
    return tuple(values or ())
