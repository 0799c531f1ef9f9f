"""The shipped regimes (deploy/regimes) against the cases of the domain notes, one row per case.

Every row judges one read with `decide` against ALL shipped regimes and looks at the decision of the regime
it names (`regime=None`: no regime may decide at all). Rows that end in a published candidate are also run
through `evaluate_read` to check what leaves the service (mode, fine, enforceable). The stateful rules (max
stay, parking recheck, one candidate per day) follow the table as focused tests."""

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from anpr_contracts import CANDIDATES, CandidateRaised, Direction, ExemptionChanged, PlateRecognized, RegimeMode
from anpr_rules.adapters.permit_index import InMemoryPermitIndex
from anpr_rules.adapters.regime_files import load_regimes
from anpr_rules.domain.decision import PUBLISHED, Outcome
from anpr_rules.domain.vehicle import Vehicle
from anpr_rules.handlers import Judging, decide, evaluate_read, recheck_due
from anpr_runtime.pseudonym import vehicle_key
from anpr_runtime.publisher import FakeEventPublisher

from .fakes import KEY, FakeRulesState, FakeVehicles, a_permit, a_read, permit_index

REGIMES = load_regimes(Path(__file__).parents[4] / "deploy" / "regimes")
BY_ID = {r.id: r for r in REGIMES}

MZ, ZE, C7, AW, PK = (
    "milieuzone-centrum",
    "ze-zone-centrum",
    "closed-road-polderweg",
    "voetgangersgebied",
    "parkeren-centrum",
)
WARN, ENFORCE = RegimeMode.WARN, RegimeMode.ENFORCE
CANDIDATE, NO_HIT, EXEMPT = Outcome.CANDIDATE, Outcome.NO_HIT, Outcome.EXEMPT
NOT_ENFORCEABLE, OBSERVED = Outcome.NOT_ENFORCEABLE, Outcome.OBSERVED

# (location_id, zone_id) of a read
CENTRUM = ("loc-centrum-noord", "centrum")
CENTRUM_NO_ZONE = ("loc-centrum-noord", None)  # a rotating camera placed at a milieuzone location
POLDERWEG = ("loc-polderweg-oost", None)
PEDESTRIAN = ("loc-grote-markt", "voetgangersgebied")
PARKING = (None, "parkeren-centrum")  # scan car
ELSEWHERE = ("loc-haven", None)


def at(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None, "every moment in this table carries its offset"
    return moment


def car(**overrides: Any) -> Vehicle:
    base = Vehicle("63HKHD", "Personenauto", "M1", date(2003, 5, 14), 1790, 1310, ("Diesel",), 3)
    return replace(base, **overrides)


def van(**overrides: Any) -> Vehicle:
    base = Vehicle("VXL12B", "Bedrijfsauto", "N1", date(2008, 3, 1), 3000, 1900, ("Diesel",), 4)
    return replace(base, **overrides)


def truck(**overrides: Any) -> Vehicle:
    """A rigid diesel truck (N3, 18 t, Euro 6, 2018)."""
    base = Vehicle("BZ12XZ", "Bedrijfsauto", "N3", date(2018, 5, 1), 18000, 8000, ("Diesel",), 6)
    return replace(base, **{"inrichting": "gesloten opbouw", **overrides})


def tractor(**overrides: Any) -> Vehicle:
    return truck(**{"plate": "BZ34TR", "inrichting": "opleggertrekker", **overrides})


def bus(**overrides: Any) -> Vehicle:
    base = Vehicle("BX12BB", "Bus", "M3", date(2012, 2, 1), 19000, 12000, ("Diesel",), 5)
    return replace(base, **overrides)


def derived(vehicle: Vehicle, first_admission: date, empty_mass_kg: int) -> Vehicle:
    """No registered emission class: it follows from the first admission and the mass band."""
    return replace(
        vehicle, registered_emission_class=None, first_admission=first_admission, empty_mass_kg=empty_mass_kg
    )


def permit(exemption_id: str = "ex-1", **overrides: Any) -> dict[str, Any]:
    return {"exemption_id": exemption_id, **overrides}


@dataclass(frozen=True)
class Case:
    name: str
    regime: str | None  # the regime whose decision is checked; None: no regime decides at all
    moment: datetime
    vehicle: Vehicle | None  # None: the plate is not in the registry
    expect: Outcome | None  # None: the regime gives no decision (not in force there and then)
    place: tuple[str | None, str | None] = CENTRUM
    country: str | None = "NL"
    permits: tuple[dict[str, Any], ...] = ()  # applied in order to the permit index (revocations too)
    mode: RegimeMode | None = None
    fine: float | None = None
    plate: str = "ZZ999Z"  # used when there is no vehicle


MZ_ENFORCING = at("2026-03-10T10:00:00+01:00")  # a Tuesday
ZE_ENFORCING = MZ_ENFORCING
C7_ENFORCING = at("2026-06-15T14:00:00+02:00")
AW_ENFORCING = at("2026-07-15T14:00:00+02:00")  # a Wednesday
PK_SATURDAY = at("2026-03-14T10:00:00+01:00")

# fmt: off
MILIEUZONE = [
    Case("mz diesel car class 3 is a candidate", MZ, MZ_ENFORCING, car(), CANDIDATE, mode=ENFORCE, fine=120),
    Case("mz diesel car class 4 is admitted", MZ, MZ_ENFORCING, car(registered_emission_class=4), NO_HIT),
    Case("mz derived class 3 light band DET 2004-12-31", MZ, MZ_ENFORCING, derived(car(), date(2004, 12, 31), 1280),
         CANDIDATE, mode=ENFORCE, fine=120),
    Case("mz derived class 4 light band DET 2005-01-01", MZ, MZ_ENFORCING, derived(car(), date(2005, 1, 1), 1280),
         NO_HIT),
    Case("mz derived class 3 medium band DET 2004-12-31", MZ, MZ_ENFORCING, derived(car(), date(2004, 12, 31), 1281),
         CANDIDATE, mode=ENFORCE, fine=120),
    Case("mz derived class 4 medium band DET 2005-01-01", MZ, MZ_ENFORCING, derived(car(), date(2005, 1, 1), 2585),
         NO_HIT),
    Case("mz petrol car is not in scope", MZ, MZ_ENFORCING, car(fuels=("Benzine",), registered_emission_class=1),
         NO_HIT),
    Case("mz electric car is not in scope", MZ, MZ_ENFORCING,
         car(fuels=("Elektriciteit",), registered_emission_class=None), NO_HIT),
    Case("mz diesel truck class 5 is a candidate", MZ, MZ_ENFORCING, truck(registered_emission_class=5), CANDIDATE,
         mode=ENFORCE, fine=300),
    Case("mz diesel truck class 6 is admitted", MZ, MZ_ENFORCING, truck(), NO_HIT),
    Case("mz diesel bus class 5 is a candidate", MZ, MZ_ENFORCING, bus(), CANDIDATE, mode=ENFORCE, fine=120),
    Case("mz hybrid diesel+electric class 3 is a candidate", MZ, MZ_ENFORCING, car(fuels=("Elektriciteit", "Diesel")),
         CANDIDATE, mode=ENFORCE, fine=120),
    Case("mz hybrid diesel+electric class 6 is admitted", MZ, MZ_ENFORCING,
         car(fuels=("Diesel", "Elektriciteit"), registered_emission_class=6), NO_HIT),
    Case("mz warn until the last microsecond before the switch", MZ, at("2022-04-30T23:59:59.999999+02:00"), car(),
         CANDIDATE, mode=WARN),
    Case("mz enforce at the exact switch moment", MZ, at("2022-05-01T00:00:00+02:00"), car(), CANDIDATE, mode=ENFORCE,
         fine=120),
    Case("mz enforce at the switch written in UTC", MZ, at("2022-04-30T22:00:00+00:00"), car(), CANDIDATE,
         mode=ENFORCE, fine=120),
    Case("mz not yet effective", MZ, at("2021-12-31T23:59:59+01:00"), car(), None),
    Case("mz 40 years on the day is exempt", MZ, MZ_ENFORCING, derived(car(), date(1986, 3, 10), 1100), EXEMPT),
    Case("mz one day short of 40 years", MZ, MZ_ENFORCING, derived(car(), date(1986, 3, 11), 1100), CANDIDATE,
         mode=ENFORCE, fine=120),
    Case("mz 40 years on the local day of a read written in UTC", MZ, at("2026-03-10T23:30:00+00:00"),
         derived(car(), date(1986, 3, 11), 1100), EXEMPT),
    *[
        Case(f"mz wheelchair code {code} is exempt", MZ, MZ_ENFORCING,
             van(registered_emission_class=3, special_codes=(code,)), EXEMPT)
        for code in ("145", "146", "147", "149")
    ],
    Case("mz wheelchair body code SH is exempt", MZ, MZ_ENFORCING,
         van(registered_emission_class=3, body_codes=("SH",)), EXEMPT),
    *[
        Case(f"mz code {code} is not a milieuzone wheelchair code", MZ, MZ_ENFORCING,
             van(registered_emission_class=3, special_codes=(code,)), CANDIDATE, mode=ENFORCE, fine=120)
        for code in ("70", "148")
    ],
    Case("mz foreign plate is review only", MZ, MZ_ENFORCING, None, NOT_ENFORCEABLE, country="BE", mode=ENFORCE),
    Case("mz foreign plate spelling an admitted dutch plate is not judged by it", MZ, MZ_ENFORCING,
         car(registered_emission_class=6), NOT_ENFORCEABLE, country="DE", mode=ENFORCE),
    Case("mz unknown dutch plate is review only", MZ, MZ_ENFORCING, None, NOT_ENFORCEABLE, mode=ENFORCE),
    Case("mz plate of unknown country is looked up", MZ, MZ_ENFORCING, car(), CANDIDATE, country=None, mode=ENFORCE,
         fine=120),
    Case("mz rotating camera at loc-centrum-noord", MZ, MZ_ENFORCING, car(), CANDIDATE, place=CENTRUM_NO_ZONE,
         mode=ENFORCE, fine=120),
    Case("rotating camera outside every regime gives no decision", None, MZ_ENFORCING, car(), None, place=ELSEWHERE),
    Case("mz zone-only read (no location) is judged by the zone", MZ, MZ_ENFORCING, car(), CANDIDATE,
         place=(None, "centrum"), mode=ENFORCE, fine=120),
    Case("mz diesel car whose class cannot be derived is review only", MZ, MZ_ENFORCING,
         derived(car(), date(2003, 5, 14), 2600), NOT_ENFORCEABLE, mode=ENFORCE),
]
# fmt: on

# fmt: off
PERMITS = [
    Case("permit valid resident", MZ, MZ_ENFORCING, car(), EXEMPT, permits=(permit(),)),
    Case("permit expired", MZ, MZ_ENFORCING, car(), CANDIDATE, mode=ENFORCE, fine=120,
         permits=(permit(valid_until=at("2026-03-01T00:00:00+01:00")),)),
    Case("permit ends at the moment of the read", MZ, MZ_ENFORCING, car(), CANDIDATE, mode=ENFORCE, fine=120,
         permits=(permit(valid_until=MZ_ENFORCING),)),
    Case("permit starts at the moment of the read", MZ, MZ_ENFORCING, car(), EXEMPT,
         permits=(permit(valid_from=MZ_ENFORCING),)),
    Case("permit not yet valid", MZ, MZ_ENFORCING, car(), CANDIDATE, mode=ENFORCE, fine=120,
         permits=(permit(valid_from=at("2026-03-11T00:00:00+01:00")),)),
    Case("permit revoked", MZ, MZ_ENFORCING, car(), CANDIDATE, mode=ENFORCE, fine=120,
         permits=(permit(), permit(revoked=True))),
    Case("permit for another regime", MZ, MZ_ENFORCING, car(), CANDIDATE, mode=ENFORCE, fine=120,
         permits=(permit(regimes=(ZE,)),)),
    Case("permit for this regime", MZ, MZ_ENFORCING, car(), EXEMPT, permits=(permit(regimes=(MZ, ZE)),)),
    Case("permit for another zone", MZ, MZ_ENFORCING, car(), CANDIDATE, mode=ENFORCE, fine=120,
         permits=(permit(zones=("haven",)),)),
    Case("permit for this zone", MZ, MZ_ENFORCING, car(), EXEMPT, permits=(permit(zones=("centrum",)),)),
    Case("permit of a kind the regime does not admit", MZ, MZ_ENFORCING, car(), CANDIDATE, mode=ENFORCE, fine=120,
         permits=(permit(kind="day-permit"),)),
    Case("permit daily 07-19 inside", MZ, MZ_ENFORCING, car(), EXEMPT,
         permits=(permit(daily_from="07:00", daily_until="19:00"),)),
    Case("permit daily 07-19 at its end", MZ, at("2026-03-10T19:00:00+01:00"), car(), CANDIDATE, mode=ENFORCE,
         fine=120, permits=(permit(daily_from="07:00", daily_until="19:00"),)),
    Case("permit daily 07-19 in local summer time, read in UTC", MZ, at("2026-07-15T05:30:00+00:00"), car(), EXEMPT,
         permits=(permit(daily_from="07:00", daily_until="19:00"),)),
    Case("permit daily 22-02 before midnight", MZ, at("2026-03-10T23:30:00+01:00"), car(), EXEMPT,
         permits=(permit(daily_from="22:00", daily_until="02:00"),)),
    Case("permit daily 22-02 after midnight", MZ, at("2026-03-11T01:30:00+01:00"), car(), EXEMPT,
         permits=(permit(daily_from="22:00", daily_until="02:00"),)),
    Case("permit daily 22-02 at its end", MZ, at("2026-03-11T02:00:00+01:00"), car(), CANDIDATE, mode=ENFORCE,
         fine=120, permits=(permit(daily_from="22:00", daily_until="02:00"),)),
    Case("permit daily 22-02 in the afternoon", MZ, MZ_ENFORCING, car(), CANDIDATE, mode=ENFORCE, fine=120,
         permits=(permit(daily_from="22:00", daily_until="02:00"),)),
]
# fmt: on

DAY_PERMIT = permit(
    kind="day-permit",
    regimes=(ZE,),
    valid_from=at("2026-03-10T00:00:00+01:00"),
    valid_until=at("2026-03-11T06:00:00+01:00"),
)
# fmt: off
ZERO_EMISSION = [
    Case("ze van class 4 in 2025", ZE, at("2025-09-01T10:00:00+02:00"), van(), CANDIDATE, mode=ENFORCE, fine=120),
    Case("ze warning before 2025-07-01", ZE, at("2025-06-30T23:59:59+02:00"), van(), CANDIDATE, mode=WARN),
    Case("ze enforce from 2025-07-01", ZE, at("2025-07-01T00:00:00+02:00"), van(), CANDIDATE, mode=ENFORCE, fine=120),
    Case("ze not yet effective", ZE, at("2024-12-31T23:59:59+01:00"), van(), None),
    Case("ze van class 5 allowed until 2027", ZE, at("2026-12-31T23:59:59+01:00"),
         van(registered_emission_class=5, first_admission=date(2012, 1, 1)), NO_HIT),
    Case("ze van class 5 candidate from 2027-01-01", ZE, at("2027-01-01T00:00:00+01:00"),
         van(registered_emission_class=5, first_admission=date(2012, 1, 1)), CANDIDATE, mode=ENFORCE, fine=120),
    Case("ze van class 6 of 2024 allowed until 2029", ZE, at("2028-12-31T23:59:59+01:00"),
         van(registered_emission_class=6, first_admission=date(2024, 12, 31)), NO_HIT),
    Case("ze van class 6 of 2024 candidate from 2029-01-01", ZE, at("2029-01-01T00:00:00+01:00"),
         van(registered_emission_class=6, first_admission=date(2024, 12, 31)), CANDIDATE, mode=ENFORCE, fine=120),
    Case("ze diesel van registered 2025-01-01 is a candidate", ZE, at("2025-09-01T10:00:00+02:00"),
         van(registered_emission_class=6, first_admission=date(2025, 1, 1)), CANDIDATE, mode=ENFORCE, fine=120),
    Case("ze electric van is admitted", ZE, ZE_ENFORCING,
         van(fuels=("Elektriciteit",), registered_emission_class=None, first_admission=date(2025, 3, 1)), NO_HIT),
    Case("ze hydrogen van is admitted", ZE, ZE_ENFORCING, van(fuels=("Waterstof",), registered_emission_class=None),
         NO_HIT),
    Case("ze petrol-electric hybrid van of 2025 is a candidate", ZE, ZE_ENFORCING,
         van(fuels=("Benzine", "Elektriciteit"), registered_emission_class=6, first_admission=date(2025, 2, 1)),
         CANDIDATE, mode=ENFORCE, fine=120),
    Case("ze passenger car is not in scope", ZE, ZE_ENFORCING, car(), NO_HIT),
    Case("ze derived class 5 light band van allowed", ZE, ZE_ENFORCING, derived(van(), date(2010, 8, 31), 1280),
         NO_HIT),
    Case("ze derived class 4 medium band van candidate", ZE, ZE_ENFORCING, derived(van(), date(2010, 8, 31), 1281),
         CANDIDATE, mode=ENFORCE, fine=120),
    Case("ze tractor unit 2017 allowed until 2030", ZE, at("2029-12-31T23:59:59+01:00"),
         tractor(first_admission=date(2017, 1, 1)), NO_HIT),
    Case("ze tractor unit 2017 candidate from 2030-01-01", ZE, at("2030-01-01T00:00:00+01:00"),
         tractor(first_admission=date(2017, 1, 1)), CANDIDATE, mode=ENFORCE, fine=310),
    Case("ze tractor unit 2016 is a candidate", ZE, ZE_ENFORCING, tractor(first_admission=date(2016, 12, 31)),
         CANDIDATE, mode=ENFORCE, fine=310),
    Case("ze tractor unit 2018 still allowed in 2028", ZE, at("2028-06-01T10:00:00+02:00"), tractor(), NO_HIT),
    Case("ze rigid truck 2018 candidate in 2028", ZE, at("2028-06-01T10:00:00+02:00"), truck(), CANDIDATE,
         mode=ENFORCE, fine=310),
    Case("ze rigid truck 2017 allowed until 2028", ZE, at("2027-12-31T23:59:59+01:00"),
         truck(first_admission=date(2017, 1, 1)), NO_HIT),
    Case("ze rigid truck 2019 candidate from 2028-01-01", ZE, at("2028-01-01T00:00:00+01:00"),
         truck(first_admission=date(2019, 12, 31)), CANDIDATE, mode=ENFORCE, fine=310),
    Case("ze rigid truck 2020 allowed from 2028-01-01", ZE, at("2028-01-01T00:00:00+01:00"),
         truck(first_admission=date(2020, 1, 1)), NO_HIT),
    Case("ze rigid truck 2020 allowed until 2030", ZE, at("2029-12-31T23:59:59+01:00"),
         truck(first_admission=date(2020, 1, 1)), NO_HIT),
    Case("ze rigid truck 2020 candidate from 2030-01-01", ZE, at("2030-01-01T00:00:00+01:00"),
         truck(first_admission=date(2020, 1, 1)), CANDIDATE, mode=ENFORCE, fine=310),
    Case("ze rigid truck 2016 is a candidate", ZE, ZE_ENFORCING, truck(first_admission=date(2016, 12, 31)), CANDIDATE,
         mode=ENFORCE, fine=310),
    Case("ze truck class 5 is a candidate", ZE, ZE_ENFORCING, truck(registered_emission_class=5), CANDIDATE,
         mode=ENFORCE, fine=310),
    Case("ze van 40 years on the day is exempt", ZE, ZE_ENFORCING, derived(van(), date(1986, 3, 10), 1900), EXEMPT),
    Case("ze van one day short of 40 years", ZE, ZE_ENFORCING, derived(van(), date(1986, 3, 11), 1900), CANDIDATE,
         mode=ENFORCE, fine=120),
    *[
        Case(f"ze wheelchair code {code} is exempt", ZE, ZE_ENFORCING, van(special_codes=(code,)), EXEMPT)
        for code in ("70", "145", "146", "147", "148", "149")
    ],
    Case("ze wheelchair body code SH is exempt", ZE, ZE_ENFORCING, van(body_codes=("SH",)), EXEMPT),
    *[
        Case(f"ze truck body code {code} is exempt", ZE, ZE_ENFORCING,
             truck(registered_emission_class=5, body_codes=(code,)), EXEMPT)
        for code in ("15", "16", "19", "23", "26", "27", "31")
    ],
    Case("ze special truck body code on a van does not exempt", ZE, ZE_ENFORCING, van(body_codes=("23",)), CANDIDATE,
         mode=ENFORCE, fine=120),
    Case("ze SF truck younger than 13 years is exempt", ZE, at("2026-05-31T12:00:00+02:00"),
         truck(category="N2", registered_emission_class=5, first_admission=date(2013, 6, 1), body_codes=("SF",)),
         EXEMPT),
    Case("ze SF truck of exactly 13 years is a candidate", ZE, at("2026-06-01T12:00:00+02:00"),
         truck(category="N2", registered_emission_class=5, first_admission=date(2013, 6, 1), body_codes=("SF",)),
         CANDIDATE, mode=ENFORCE, fine=310),
    Case("ze SB truck older than 13 years is a candidate", ZE, ZE_ENFORCING,
         truck(registered_emission_class=5, first_admission=date(2010, 1, 1), body_codes=("SB",)), CANDIDATE,
         mode=ENFORCE, fine=310),
    Case("ze foreign van is review only", ZE, ZE_ENFORCING, None, NOT_ENFORCEABLE, country="DE", mode=ENFORCE),
    Case("ze foreign van in the warning phase is review only", ZE, at("2025-03-01T10:00:00+01:00"), None,
         NOT_ENFORCEABLE, country="PL", mode=WARN),
    Case("ze unknown dutch plate is review only", ZE, ZE_ENFORCING, None, NOT_ENFORCEABLE, mode=ENFORCE),
    Case("ze day-permit from 00:00", ZE, at("2026-03-10T00:00:00+01:00"), van(), EXEMPT, permits=(DAY_PERMIT,)),
    Case("ze day-permit until 05:59:59 the next day", ZE, at("2026-03-11T05:59:59+01:00"), van(), EXEMPT,
         permits=(DAY_PERMIT,)),
    Case("ze day-permit over at 06:00 the next day", ZE, at("2026-03-11T06:00:00+01:00"), van(), CANDIDATE,
         mode=ENFORCE, fine=120, permits=(DAY_PERMIT,)),
    Case("ze day-permit not valid the evening before", ZE, at("2026-03-09T23:59:59+01:00"), van(), CANDIDATE,
         mode=ENFORCE, fine=120, permits=(DAY_PERMIT,)),
    Case("ze national permit", ZE, ZE_ENFORCING, van(), EXEMPT, permits=(permit(kind="national"),)),
    Case("ze resident permit is not a ZE exemption", ZE, ZE_ENFORCING, van(), CANDIDATE, mode=ENFORCE, fine=120,
         permits=(permit(kind="resident"),)),
    Case("ze applies by zone, not at a bare milieuzone location", ZE, ZE_ENFORCING, van(), None, place=CENTRUM_NO_ZONE),
]
# fmt: on

# fmt: off
CLOSED_ROAD = [
    Case("c7 truck over 3,500 kg is a candidate", C7, C7_ENFORCING, truck(), CANDIDATE, place=POLDERWEG, mode=ENFORCE,
         fine=150),
    Case("c7 N2 of 3,501 kg is a candidate", C7, C7_ENFORCING, truck(category="N2", max_mass_kg=3501), CANDIDATE,
         place=POLDERWEG, mode=ENFORCE, fine=150),
    Case("c7 electric truck is a candidate too", C7, C7_ENFORCING,
         truck(fuels=("Elektriciteit",), registered_emission_class=None), CANDIDATE, place=POLDERWEG, mode=ENFORCE,
         fine=150),
    Case("c7 van is not in scope", C7, C7_ENFORCING, van(), NO_HIT, place=POLDERWEG),
    Case("c7 passenger car is not in scope", C7, C7_ENFORCING, car(), NO_HIT, place=POLDERWEG),
    Case("c7 works permit exempts", C7, C7_ENFORCING, truck(), EXEMPT, place=POLDERWEG,
         permits=(permit(kind="works", regimes=(C7,)),)),
    Case("c7 resident permit is not admitted", C7, C7_ENFORCING, truck(), CANDIDATE, place=POLDERWEG, mode=ENFORCE,
         fine=150, permits=(permit(kind="resident"),)),
    Case("c7 unknown vehicle is not enforceable", C7, C7_ENFORCING, None, NOT_ENFORCEABLE, place=POLDERWEG,
         mode=ENFORCE),
    Case("c7 foreign truck is review only", C7, C7_ENFORCING, None, NOT_ENFORCEABLE, place=POLDERWEG, country="DE",
         mode=ENFORCE),
    Case("c7 warning until June", C7, at("2026-05-31T23:59:59+02:00"), truck(), CANDIDATE, place=POLDERWEG, mode=WARN),
    Case("c7 not yet effective", C7, at("2026-02-28T23:59:59+01:00"), truck(), None, place=POLDERWEG),
    Case("c7 not at a location it does not cover", C7, C7_ENFORCING, truck(), None, place=CENTRUM),
]
# fmt: on

# fmt: off
ACCESS_WINDOW = [
    Case("aw open to all at 08:00", AW, at("2026-07-15T08:00:00+02:00"), car(), None, place=PEDESTRIAN),
    Case("aw open to all at 10:59:59", AW, at("2026-07-15T10:59:59+02:00"), car(), None, place=PEDESTRIAN),
    Case("aw judged from 11:00", AW, at("2026-07-15T11:00:00+02:00"), car(), CANDIDATE, place=PEDESTRIAN, mode=ENFORCE,
         fine=110),
    Case("aw judged at 05:59:59 after midnight", AW, at("2026-07-16T05:59:59+02:00"), car(), CANDIDATE,
         place=PEDESTRIAN, mode=ENFORCE, fine=110),
    Case("aw open again at 06:00", AW, at("2026-07-16T06:00:00+02:00"), car(), None, place=PEDESTRIAN),
    Case("aw any vehicle, also one not in the registry", AW, AW_ENFORCING, None, CANDIDATE, place=PEDESTRIAN,
         mode=ENFORCE, fine=110),
    Case("aw permit holder is exempt", AW, AW_ENFORCING, car(), EXEMPT, place=PEDESTRIAN, permits=(permit(),)),
    Case("aw permit for another zone", AW, AW_ENFORCING, car(), CANDIDATE, place=PEDESTRIAN, mode=ENFORCE, fine=110,
         permits=(permit(zones=("centrum",)),)),
    Case("aw foreign plate is review only", AW, AW_ENFORCING, None, NOT_ENFORCEABLE, place=PEDESTRIAN, country="BE",
         mode=ENFORCE),
    Case("aw observe only before April", AW, at("2026-03-31T23:59:59+02:00"), car(), OBSERVED, place=PEDESTRIAN),
    Case("aw warn from 2026-04-01", AW, at("2026-04-01T00:00:00+02:00"), car(), CANDIDATE, place=PEDESTRIAN, mode=WARN),
    Case("aw spring DST 03:30 CEST", AW, at("2026-03-29T01:30:00+00:00"), car(), OBSERVED, place=PEDESTRIAN),
    Case("aw spring DST 05:59 CEST", AW, at("2026-03-29T03:59:00+00:00"), car(), OBSERVED, place=PEDESTRIAN),
    Case("aw spring DST 06:30 CEST is open", AW, at("2026-03-29T04:30:00+00:00"), car(), None, place=PEDESTRIAN),
    Case("aw autumn DST first 02:30 (CEST)", AW, at("2026-10-25T00:30:00+00:00"), car(), CANDIDATE, place=PEDESTRIAN,
         mode=ENFORCE, fine=110),
    Case("aw autumn DST second 02:30 (CET)", AW, at("2026-10-25T01:30:00+00:00"), car(), CANDIDATE, place=PEDESTRIAN,
         mode=ENFORCE, fine=110),
    Case("aw autumn DST 05:30 CET", AW, at("2026-10-25T04:30:00+00:00"), car(), CANDIDATE, place=PEDESTRIAN,
         mode=ENFORCE, fine=110),
    Case("aw autumn DST 06:00 CET is open", AW, at("2026-10-25T05:00:00+00:00"), car(), None, place=PEDESTRIAN),
]
# fmt: on

# fmt: off
PARKING_CASES = [
    Case("pk no parking right", PK, PK_SATURDAY, car(), CANDIDATE, place=PARKING, mode=ENFORCE, fine=82),
    Case("pk resident permit", PK, PK_SATURDAY, car(), EXEMPT, place=PARKING, permits=(permit(),)),
    Case("pk saturday 23:59:59", PK, at("2026-03-14T23:59:59+01:00"), car(), CANDIDATE, place=PARKING, mode=ENFORCE,
         fine=82),
    Case("pk free from sunday 00:00", PK, at("2026-03-15T00:00:00+01:00"), car(), None, place=PARKING),
    Case("pk free on sunday noon", PK, at("2026-03-15T12:00:00+01:00"), car(), None, place=PARKING),
    Case("pk free on monday 08:59:59", PK, at("2026-03-16T08:59:59+01:00"), car(), None, place=PARKING),
    Case("pk not at a milieuzone location", PK, PK_SATURDAY, car(), None, place=CENTRUM),
]
# fmt: on

CASES = [*MILIEUZONE, *PERMITS, *ZERO_EMISSION, *CLOSED_ROAD, *ACCESS_WINDOW, *PARKING_CASES]


def _params() -> list[Any]:
    ids = [c.name.replace(" ", "-") for c in CASES]
    assert len(set(ids)) == len(ids), "case names must be unique"
    return [pytest.param(c, id=i) for c, i in zip(CASES, ids, strict=True)]


def _read(case: Case) -> PlateRecognized:
    location_id, zone_id = case.place
    plate = case.vehicle.plate if case.vehicle else case.plate
    return a_read(plate, location_id=location_id, zone_id=zone_id, country=case.country, observed_at=case.moment)


def _permits(case: Case, plate: str) -> list[ExemptionChanged]:
    return [a_permit(plate, **spec) for spec in case.permits]


@pytest.mark.parametrize("case", _params())
async def test_regime_table(case: Case) -> None:
    read = _read(case)
    vehicles = FakeVehicles([case.vehicle] if case.vehicle else [])
    permits = permit_index(*_permits(case, read.plate))

    decisions = decide(read, REGIMES, vehicles, permits, vehicle_key(read.plate, KEY))

    if case.regime is None:
        assert decisions == []
        return
    found = [d for d in decisions if d.regime.id == case.regime]
    if case.expect is None:
        assert found == [], found[0].explanation
        return
    [decision] = found
    assert decision.outcome is case.expect, decision.explanation
    if case.expect not in PUBLISHED:
        return
    assert case.mode is not None, "rows with a published outcome state the mode"
    assert decision.mode is case.mode
    await _check_published(case, read, vehicles, permits)


async def _check_published(
    case: Case, read: PlateRecognized, vehicles: FakeVehicles, permits: InMemoryPermitIndex
) -> None:
    regime = BY_ID[case.regime or ""]
    publisher = FakeEventPublisher()

    [final] = await evaluate_read(
        read, Judging([regime], vehicles, permits, FakeRulesState(), publisher, KEY), read.observed_at
    )

    if regime.recheck_after is not None:
        assert final.outcome is Outcome.PENDING_RECHECK
        assert publisher.published == []
        return
    [(topic, _, event)] = publisher.published
    assert topic == CANDIDATES.name
    assert isinstance(event, CandidateRaised)
    assert event.mode is case.mode
    assert event.enforceable is (case.expect is CANDIDATE)
    assert event.fine_eur == (case.fine if case.expect is CANDIDATE and case.mode is ENFORCE else None)
    if case.expect is CANDIDATE and case.mode is ENFORCE:
        assert case.fine is not None, "enforceable rows in enforce mode state the fine"


def test_the_table_is_large_enough_and_covers_every_shipped_regime() -> None:
    assert len(CASES) >= 45
    assert {c.regime for c in CASES} >= set(BY_ID)


# Stateful rules: evaluate_read with FakeRulesState.

WEDNESDAY = date(2026, 7, 15)  # the access window enforces


def _at_noon_plus(minutes: int, day: date = WEDNESDAY) -> datetime:
    return datetime.fromisoformat(f"{day.isoformat()}T12:00:00+02:00") + timedelta(minutes=minutes)


class Scene:
    """One vehicle, the shipped regimes, a fake state and publisher."""

    def __init__(self, vehicle: Vehicle | None, *changes: ExemptionChanged, plate: str = "ZZ999Z") -> None:
        self.plate = vehicle.plate if vehicle else plate
        self.vehicles = FakeVehicles([vehicle] if vehicle else [])
        self.permits = permit_index(*changes)
        self.state = FakeRulesState()
        self.publisher = FakeEventPublisher()
        self.judging = Judging(REGIMES, self.vehicles, self.permits, self.state, self.publisher, KEY)

    async def read(
        self,
        moment: datetime,
        place: tuple[str | None, str | None] = PEDESTRIAN,
        direction: Direction | None = None,
        country: str | None = "NL",
        regime: str | None = None,
    ) -> Outcome:
        """The outcome of the one regime in force there (or of `regime`, when several are)."""
        location_id, zone_id = place
        read = a_read(
            self.plate,
            location_id=location_id,
            zone_id=zone_id,
            direction=direction,
            observed_at=moment,
            country=country,
        )
        decisions = await evaluate_read(read, self.judging, moment)
        [decision] = [d for d in decisions if regime in (None, d.regime.id)]
        return decision.outcome

    async def recheck(self, now: datetime) -> int:
        return await recheck_due(now, self.judging)

    def candidates(self) -> list[CandidateRaised]:
        found = [event for _, _, event in self.publisher.published if isinstance(event, CandidateRaised)]
        assert len(found) == len(self.publisher.published)
        return found


async def _visit(scene: Scene, enter: datetime, leave: datetime) -> tuple[Outcome, Outcome]:
    return (
        await scene.read(enter, direction=Direction.ENTRY),
        await scene.read(leave, direction=Direction.EXIT),
    )


async def test_access_window_permit_holder_may_stay_one_hour_a_day() -> None:
    scene = Scene(car(), a_permit())

    assert await _visit(scene, _at_noon_plus(0), _at_noon_plus(40)) == (EXEMPT, EXEMPT)
    assert scene.candidates() == []

    assert await _visit(scene, _at_noon_plus(120), _at_noon_plus(150)) == (EXEMPT, CANDIDATE)  # 70 minutes today
    [candidate] = scene.candidates()
    assert candidate.regime_id == AW
    assert candidate.enforceable is True
    assert candidate.mode is ENFORCE
    assert candidate.fine_eur == 110
    assert "stayed 1:10:00 today, more than the 1:00:00 the permit allows" in candidate.explanation

    assert await _visit(scene, _at_noon_plus(240), _at_noon_plus(245)) == (EXEMPT, Outcome.DUPLICATE)
    assert len(scene.candidates()) == 1


async def test_access_window_stay_budget_starts_again_the_next_day() -> None:
    scene = Scene(car(), a_permit())
    await _visit(scene, _at_noon_plus(0), _at_noon_plus(70))

    assert await _visit(scene, _at_noon_plus(0, date(2026, 7, 16)), _at_noon_plus(40, date(2026, 7, 16))) == (
        EXEMPT,
        EXEMPT,
    )
    assert len(scene.candidates()) == 1


async def test_access_window_stay_over_the_limit_is_only_observed_in_observe_mode() -> None:
    scene = Scene(car(), a_permit())

    outcomes = await _visit(scene, at("2026-03-10T12:00:00+01:00"), at("2026-03-10T13:30:00+01:00"))  # observe mode

    assert outcomes == (EXEMPT, OBSERVED)
    assert scene.candidates() == []


async def test_access_window_stay_across_midnight_counts() -> None:
    scene = Scene(car(), a_permit())

    # 90 minutes, all of them in the restricted window (11:00-06:00)
    outcomes = await _visit(scene, at("2026-07-15T23:30:00+02:00"), at("2026-07-16T01:00:00+02:00"))

    assert outcomes[1] is CANDIDATE


async def test_access_window_without_permit_is_a_candidate_on_entry_and_not_again_that_day() -> None:
    scene = Scene(car())

    assert await _visit(scene, _at_noon_plus(0), _at_noon_plus(5)) == (CANDIDATE, Outcome.DUPLICATE)
    assert len(scene.candidates()) == 1


PARKED = at("2026-03-14T10:00:00+01:00")


async def test_parking_without_a_right_waits_for_the_recheck() -> None:
    scene = Scene(car())

    assert await scene.read(PARKED, place=PARKING) is Outcome.PENDING_RECHECK

    assert scene.candidates() == []
    [(regime_id, due, _)] = scene.state.rechecks.values()
    assert (regime_id, due) == (PK, PARKED + timedelta(minutes=5))
    assert await scene.recheck(PARKED + timedelta(minutes=4, seconds=59)) == 0


async def test_parking_recheck_without_a_right_publishes_the_candidate() -> None:
    scene = Scene(car())
    await scene.read(PARKED, place=PARKING)

    assert await scene.recheck(PARKED + timedelta(minutes=5)) == 1

    [candidate] = scene.candidates()
    assert (candidate.regime_id, candidate.enforceable, candidate.fine_eur) == (PK, True, 82)
    assert "no parking right after the grace of 0:05:00" in candidate.explanation
    assert scene.state.rechecks == {}
    assert await scene.recheck(PARKED + timedelta(minutes=10)) == 0


async def test_parking_recheck_sees_a_right_that_reached_the_index_meanwhile() -> None:
    scene = Scene(car())
    await scene.read(PARKED, place=PARKING)
    scene.permits.apply(a_permit(kind="resident", valid_from=PARKED - timedelta(days=1)))

    assert await scene.recheck(PARKED + timedelta(minutes=5)) == 1

    assert scene.candidates() == []
    assert scene.state.rechecks == {}
    assert scene.state.counts[PK, "", at("2026-03-14T10:00:00+01:00"), "exempt"] == 1


async def test_parking_recheck_accepts_a_right_bought_during_the_grace_period() -> None:
    scene = Scene(car())
    await scene.read(PARKED, place=PARKING)
    scene.permits.apply(a_permit(kind="business", valid_from=PARKED + timedelta(minutes=2)))

    await scene.recheck(PARKED + timedelta(minutes=5))

    assert scene.candidates() == []


async def test_parking_second_read_the_same_day_is_a_duplicate_after_its_recheck() -> None:
    scene = Scene(car())
    await scene.read(PARKED, place=PARKING)
    await scene.recheck(PARKED + timedelta(minutes=5))
    await scene.read(PARKED + timedelta(hours=2), place=PARKING)

    await scene.recheck(PARKED + timedelta(hours=2, minutes=5))

    assert len(scene.candidates()) == 1
    assert sum(n for (_, _, _, outcome), n in scene.state.counts.items() if outcome == "duplicate") == 1


async def test_one_candidate_per_vehicle_per_regime_per_local_day() -> None:
    scene = Scene(car())

    morning = await scene.read(at("2026-03-10T09:00:00+01:00"), place=CENTRUM_NO_ZONE)
    afternoon = await scene.read(at("2026-03-10T15:00:00+01:00"), place=CENTRUM_NO_ZONE)
    after_local_midnight = await scene.read(at("2026-03-10T23:30:00+00:00"), place=CENTRUM_NO_ZONE)  # 03-11 00:30
    next_morning = await scene.read(at("2026-03-11T09:00:00+01:00"), place=CENTRUM_NO_ZONE)

    assert (morning, afternoon, after_local_midnight, next_morning) == (
        CANDIDATE,
        Outcome.DUPLICATE,
        CANDIDATE,
        Outcome.DUPLICATE,
    )
    assert len(scene.candidates()) == 2


async def test_a_read_breaking_two_regimes_raises_one_candidate_in_each() -> None:
    scene = Scene(van(registered_emission_class=3))

    assert await _both(scene) == {(ZE, CANDIDATE), (MZ, CANDIDATE)}
    assert sorted(c.regime_id for c in scene.candidates()) == [MZ, ZE]
    assert await _both(scene) == {(ZE, Outcome.DUPLICATE), (MZ, Outcome.DUPLICATE)}
    assert len(scene.candidates()) == 2


async def _both(scene: Scene) -> set[tuple[str, Outcome]]:
    read = a_read(scene.plate, location_id="loc-centrum-noord", zone_id="centrum", observed_at=MZ_ENFORCING)
    decisions = await evaluate_read(read, scene.judging, MZ_ENFORCING)
    return {(d.regime.id, d.outcome) for d in decisions}


async def test_candidate_is_published_keyed_by_pseudonym_with_regime_version_and_explanation() -> None:
    scene = Scene(car())

    await scene.read(MZ_ENFORCING, place=CENTRUM_NO_ZONE)

    [(topic, key, event)] = scene.publisher.published
    assert topic == CANDIDATES.name
    assert key == vehicle_key("63HKHD", KEY)
    assert "63HKHD" not in key
    assert isinstance(event, CandidateRaised)
    assert (event.regime_id, event.regime_version) == (MZ, BY_ID[MZ].version)
    assert event.legal_reference == BY_ID[MZ].legal_reference
    assert event.enforceable is True
    assert event.explanation[0] == f"Milieuzone centrum ({MZ} v{BY_ID[MZ].version}) at loc-centrum-noord"
    assert "no admission clause matches" in event.explanation
    assert event.exemptions_checked == BY_ID[MZ].exemption_kinds
    assert event.vehicle["emissieklasse"] == 3


async def test_not_enforceable_candidate_is_published_for_review_only() -> None:
    scene = Scene(None, plate="WX4512")

    assert await scene.read(ZE_ENFORCING, place=(None, "centrum"), country="DE", regime=ZE) is NOT_ENFORCEABLE

    [event] = [e for e in scene.candidates() if e.regime_id == ZE]
    [key] = {key for _, key, _ in scene.publisher.published}
    assert key == vehicle_key("WX4512", KEY)
    assert isinstance(event, CandidateRaised)
    assert (event.regime_id, event.enforceable, event.fine_eur) == (ZE, False, None)
    assert event.explanation[-1] == "foreign plate (DE): no vehicle data, review only"
    assert event.vehicle == {}
