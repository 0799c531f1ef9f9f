"""The demo snapshot: the plates of the demo frames with their facts, then a catalogue of vehicles that
covers every case the regimes tell apart (domain notes §2-3). Showcase vehicles (named in README.md and
the tests) have fixed plates; the others get a plate of their year and type. All facts are invented."""

import random
from typing import Any

from model import BODY_TYPES, Vehicle
from plates import random_plate

# Read in deploy/demo/frames (labels.csv) and relied on by the demo and the end-to-end test: 63HKHD,
# 01XJND, XSNB23, 89NVJP old diesel below class 4, ZDPB67 old diesel with a permit, the others admitted.
# CM852DJ in those frames is a French plate: not in a Dutch registry. The colour (eerste_kleur, last) is
# the one in the photo, so the reviewer's make/model/colour panel tells the same story as the frame.
FRAME_VEHICLES = [
    tuple(line.split(","))
    for line in """\
RPNL93,Personenauto,VOLKSWAGEN,GOLF,M1,hatchback,20120315,1750,1290,GROEN
63HKHD,Personenauto,PEUGEOT,307,M1,hatchback,20030514,1790,1310,BLAUW
01XJND,Personenauto,OPEL,ASTRA,M1,stationwagen,20010920,1850,1320,ZWART
57LFJB,Personenauto,TOYOTA,YARIS,M1,hatchback,20070611,1450,1030,WIT
VD020P,Bedrijfsauto,FORD,TRANSIT CONNECT,N1,gesloten opbouw,20080402,2210,1450,WIT
XSNB23,Personenauto,MERCEDES-BENZ,C 220 CDI,M1,sedan,19990604,1985,1485,GRIJS
98THD4,Personenauto,RENAULT,CLIO,M1,hatchback,20140203,1550,1090,GRIJS
23GSX6,Personenauto,KIA,PICANTO,M1,hatchback,20150109,1350,935,WIT
24LBHT,Personenauto,VOLVO,V70,M1,stationwagen,20080822,2170,1610,ZWART
ZDPB67,Personenauto,VOLKSWAGEN,PASSAT,M1,stationwagen,20000317,1960,1420,ZWART
3VFX39,Personenauto,SKODA,OCTAVIA,M1,stationwagen,20180605,1950,1375,GRIJS
72TBZ9,Personenauto,BMW,3ER REIHE,M1,sedan,20190912,2055,1570,ZWART
89NVJP,Personenauto,CITROEN,BERLINGO,M1,mpv,20041111,1990,1385,BLAUW
24LSB1,Personenauto,SEAT,IBIZA,M1,hatchback,20160420,1550,1095,WIT
25XVLX,Personenauto,FIAT,PUNTO,M1,hatchback,19980730,1450,980,GRIJS
98JJGB,Personenauto,AUDI,A4,M1,sedan,20060119,1930,1450,GRIJS""".splitlines()
]
FRAME_FUELS = [
    tuple(line.split(","))
    for line in """\
RPNL93,1,Benzine,5,EURO 5 A
63HKHD,1,Diesel,3,EURO 3
01XJND,1,Diesel,,
57LFJB,1,Benzine,4,EURO 4
VD020P,1,Diesel,4,EURO 4
XSNB23,1,Diesel,2,EURO 2
98THD4,1,Benzine,5,EURO 5 B
23GSX6,1,Benzine,6,EURO 6 B
24LBHT,1,Diesel,4,EURO 4
ZDPB67,1,Diesel,3,EURO 3
3VFX39,1,Benzine,6,EURO 6 C
72TBZ9,1,Elektriciteit,,
72TBZ9,2,Benzine,6,EURO 6 D
89NVJP,1,Diesel,,
24LSB1,1,Benzine,6,EURO 6 B
25XVLX,1,Benzine,2,EURO 2
98JJGB,1,Diesel,4,EURO 4""".splitlines()
]

FRAME_BODIES = [(row[0], "1", *BODY_TYPES[row[5]]) for row in FRAME_VEHICLES]
SHOWCASE = {
    "diesel hybrid": "XG628K",  # Diesel 6 + Elektriciteit: a hybrid with a diesel row is in the milieuzone
    "lpg hybrid": "52PZTL",  # Benzine 5 + LPG 4: the lowest stated class counts
    "wheelchair 145": "41VNRB",  # diesel van class 3 with bijzonderheid 145
    "wheelchair 70": "03XRZX",  # diesel car class 2 with bijzonderheden 70 and 145
    "wheelchair SH": "TJRD78",  # diesel car class 2 with carrosserie SH
    "concrete mixer": "1BRT41",  # N3 diesel class 5, carrosseriecode 15
    "derived 4": "61ZLKH",  # diesel car, no registered class, 1,100 kg, DET 2009-08-31: class 4
    "derived 5": "62ZLKH",  # the same a day later, 2009-09-01: class 5
    "40 years": "HD62LN",  # diesel car of 1981
    "tractor 2017": "BT391Z",  # N3 opleggertrekker Euro 6, DET 2017-01-01
}

CAR, VAN = ("Personenauto", "M1"), ("Bedrijfsauto", "N1")
CARS = (
    ("VOLKSWAGEN", "GOLF"),
    ("OPEL", "ASTRA"),
    ("PEUGEOT", "308"),
    ("RENAULT", "MEGANE"),
    ("TOYOTA", "COROLLA"),
    ("FORD", "FOCUS"),
    ("SKODA", "OCTAVIA"),
    ("VOLVO", "V60"),
    ("CITROEN", "C4"),
    ("HYUNDAI", "I30"),
)
VANS = (
    ("FORD", "TRANSIT CUSTOM"),
    ("VOLKSWAGEN", "TRANSPORTER"),
    ("RENAULT", "TRAFIC"),
    ("MERCEDES-BENZ", "SPRINTER"),
    ("PEUGEOT", "PARTNER"),
    ("IVECO", "DAILY"),
)
TRUCKS = (("DAF", "XF 480"), ("SCANIA", "R 450"), ("VOLVO", "FH 460"), ("MAN", "TGS 26.430"), ("DAF", "CF 340"))
ELECTRIC = ("Elektriciteit", "Z")


def car(
    det: str,
    *fuels: tuple[str, str],
    masses: tuple[int | None, int | None] | None = None,
    kind: tuple[str, str] = CAR,
    make: tuple[str, str] | None = None,
    inrichting: str | None = None,
    **extra: Any,  # special, body, codes, plate: see Vehicle
) -> Vehicle:
    soort, category = kind
    make = make or CARS[int(det) // 3 % len(CARS)]
    ready = 950 + int(det) % 700  # a spread of masses, none heavy enough to leave the derivation's bands
    masses = masses or (ready + 450, ready)
    inrichting = inrichting or ("hatchback" if category == "M1" else "gesloten opbouw")
    return Vehicle(soort, category, inrichting, det, masses, fuels, make, **extra)


def van(det: str, *fuels: tuple[str, str], **kw: Any) -> Vehicle:
    kw.setdefault("masses", (3000, 1800))
    kw.setdefault("make", VANS[int(det) // 3 % len(VANS)])
    return car(det, *fuels, kind=VAN, **kw)


def truck(det: str, *fuels: tuple[str, str], category: str = "N3", **kw: Any) -> Vehicle:
    kw.setdefault("masses", (19500, 7800) if category == "N3" else (11990, 5200))
    kw.setdefault("inrichting", "gesloten opbouw")
    kw.setdefault("make", TRUCKS[int(det) // 3 % len(TRUCKS)])
    return car(det, *fuels, kind=("Bedrijfsauto", category), **kw)


def diesel(klass: object) -> tuple[str, str]:
    return ("Diesel", str(klass))


def milieuzone() -> list[Vehicle]:
    """Diesel cars and vans of every registered class; classes derived from DET by mass band; other fuels."""
    years = ("19920301", "19940601", "19980401", "20020901", "20070301", "20120601", "20180901")
    cases = [car(det, diesel(k), inrichting="stationwagen", masses=(2100, 1450)) for k, det in enumerate(years)]
    cases += [car(det[:4] + "1115", diesel(k)) for k, det in enumerate(years)]
    cases += [van(det, diesel(k)) for k, det in enumerate(years)]
    cases += [van(det[:4] + "0620", diesel(k)) for k, det in enumerate(years)]
    # Band boundaries (domain notes §3): each last day of a class and the day after.
    light = (
        "19920630",
        "19920701",
        "19951231",
        "19960101",
        "19991231",
        "20000101",
        "20041231",
        "20050101",
        "20090831",
        "20090901",
        "20140831",
        "20140901",
    )
    medium = (
        "19930930",
        "19931001",
        "19961231",
        "19970101",
        "19991231",
        "20000101",
        "20041231",
        "20050101",
        "20100831",
        "20100901",
        "20150831",
        "20150901",
    )
    cases += [car(det, diesel(""), masses=(1550, 1100)) for det in light if det not in ("20090831", "20090901")]
    cases += [car("20090831", diesel(""), masses=(1550, 1100), plate=SHOWCASE["derived 4"])]
    cases += [car("20090901", diesel(""), masses=(1550, 1100), plate=SHOWCASE["derived 5"])]
    cases += [car(det, diesel(""), masses=(2050, 1500), inrichting="stationwagen") for det in medium]
    cases += [van(det, diesel(""), masses=(2800, 1900)) for det in ("20030312", "20080215", "20120110", "20161003")]
    cases += [
        car("20110517", diesel(""), masses=(3300, 2700), inrichting="mpv"),  # beyond both bands: unknown
        car("20060911", diesel(""), masses=(None, None)),
    ]
    cases += [
        car(det, ("Benzine", k))
        for det, k in (
            ("19970304", "2"),
            ("20010612", "3"),
            ("20060704", "4"),
            ("20110101", "5"),
            ("20190420", "6"),
            ("20230915", "6"),
            ("19890512", ""),
        )
    ]
    cases += [van("20150302", ("Benzine", "6")), van("20100505", ("Benzine", "5"))]
    cases += [
        car(det, ("Benzine", k), ("LPG", k)) for det, k in (("20040303", "3"), ("20090707", "4"), ("20130213", "5"))
    ]
    cases += [car("20120809", ("Benzine", "5"), ("LPG", "4"), plate=SHOWCASE["lpg hybrid"])]
    cases += [
        car("20160301", ("Benzine", "6"), ("Elektriciteit", "")),
        car("20210707", ("Elektriciteit", ""), ("Benzine", "6")),
        car("20240202", ("Benzine", "6"), ("Elektriciteit", "Z")),
    ]
    cases += [
        car("20170612", diesel(6), ("Elektriciteit", ""), inrichting="stationwagen", plate=SHOWCASE["diesel hybrid"]),
        car("20140505", diesel(5), ("Elektriciteit", "")),
    ]
    cases += [car("20130303", ("CNG", "5")), car("20180808", ("Benzine", "6"), ("CNG", "6"))]
    cases += [car(det, ELECTRIC, make=("TESLA", "MODEL 3")) for det in ("20190615", "20220303", "20250110")]
    cases += [car("20210909", ("Waterstof", "Z"), make=("TOYOTA", "MIRAI"), inrichting="sedan")]
    return cases


def zero_emission() -> list[Vehicle]:
    """Vans and trucks around the transition dates; tractor units against rigid trucks."""
    cases = [
        van(det, diesel(k))
        for det, k in (
            ("20080606", "4"),
            ("20110301", "5"),
            ("20140310", "5"),
            ("20150905", "6"),
            ("20190101", "6"),
            ("20241231", "6"),
            ("20250101", "6"),
            ("20250320", "6"),
        )
    ]
    cases += [van("20160606", ("Benzine", "6")), van("20250201", ("Benzine", "6")), van("20120412", ("LPG", "5"))]
    cases += [van(det, ELECTRIC, make=("RENAULT", "KANGOO E-TECH")) for det in ("20200202", "20240611", "20250506")]
    cases += [van("20230418", ("Waterstof", "Z"), make=("RENAULT", "MASTER H2-TECH"))]
    tractor = {"inrichting": "opleggertrekker"}
    cases += [truck(det, diesel(6), **tractor) for det in ("20160615", "20161231", "20190601", "20200101")]
    cases += [truck("20170101", diesel(6), plate=SHOWCASE["tractor 2017"], **tractor)]
    cases += [truck(det, diesel(6), codes=("03",)) for det in ("20160620", "20170301", "20191120", "20200203")]
    cases += [truck(det, diesel(6), category="N2", codes=("03",)) for det in ("20170505", "20221011")]
    cases += [truck(det, diesel(5), codes=("10",), inrichting="kipper") for det in ("20100909", "20130101")]
    cases += [truck("20120202", diesel(5), **tractor), truck("20140808", ("LNG", "6"), **tractor)]
    cases += [
        truck("20230301", ELECTRIC, make=("DAF", "XF ELECTRIC"), **tractor),
        truck("20240115", ELECTRIC, category="N2", make=("VOLVO", "FL ELECTRIC"), codes=("03",)),
        truck("20220606", ("Waterstof", "Z"), category="N2", codes=("03",)),
        truck("20180707", ("CNG", "6"), category="N2", codes=("03",)),
    ]
    return cases


def exemptions() -> list[Vehicle]:
    """40+ years, wheelchair-accessible, trucks with special bodies, special purpose younger/older than 13."""
    cases = [
        car(det, diesel(""), masses=(1500, 1150))
        for det in ("19720818", "19850601", "19851231", "19860101", "19860315")
    ]
    cases += [car("19810402", diesel(""), plate=SHOWCASE["40 years"]), car("19650505", ("Benzine", ""))]
    cases += [van("19790909", diesel(""), masses=(2500, 1500)), truck("19840404", diesel(""))]
    cases += [van("20030311", diesel(3), special=("145",), plate=SHOWCASE["wheelchair 145"])]
    cases += [
        van("20050505", diesel(4), special=("146",)),
        car("20040707", diesel(3), special=("147",)),
        car("20100101", diesel(4), special=("149",)),
        car("20010101", diesel(2), special=("70", "145"), plate=SHOWCASE["wheelchair 70"]),
    ]
    cases += [
        car("19970612", diesel(2), body="SH", inrichting="mpv", plate=SHOWCASE["wheelchair SH"]),
        van("20060606", diesel(3), body="SH"),
    ]
    cases += [truck("20130504", diesel(5), codes=("15",), inrichting="betonmixer", plate=SHOWCASE["concrete mixer"])]
    cases += [
        truck(det, diesel(5), codes=(code,))
        for det, code in (
            ("20110303", "16"),
            ("20120707", "19"),
            ("20100202", "23"),
            ("20130909", "26"),
            ("20140101", "27"),
            ("20090909", "31"),
        )
    ]
    cases += [truck("20121212", diesel(5), codes=("10", "26"))]  # a tipper with a crane: one exempting code
    cases += [
        truck("20160101", diesel(6), body="SF", inrichting="kraan"),  # younger than 13 years
        truck("20080808", diesel(5), body="SF", inrichting="kraan"),  # older
        truck("20180303", diesel(6), category="N2", body="SB"),
        truck("20050505", diesel(5), category="N2", body="SB"),
    ]
    return cases


def others() -> list[Vehicle]:
    """Campers, buses, mopeds and motorcycles; and some everyday cars."""
    camper = {"inrichting": "kampeerwagen", "make": ("FIAT", "DUCATO"), "masses": (3500, 2900)}
    cases = [
        car(det, diesel(k), **camper)
        for det, k in (("19980303", "2"), ("20030303", "3"), ("20080808", "4"), ("20130606", "5"))
    ]
    bus = {"kind": ("Bus", "M3"), "inrichting": "bus", "make": ("VDL", "CITEA"), "masses": (19000, 11500)}
    cases += [car(det, diesel(k), **bus) for det, k in (("20040404", "3"), ("20110111", "5"), ("20170707", "6"))]
    cases += [
        car(
            "20120303",
            diesel(5),
            kind=("Bus", "M2"),
            inrichting="bus",
            make=("MERCEDES-BENZ", "SPRINTER"),
            masses=(5000, 3300),
        )
    ]
    cases += [
        car(det, fuel, **bus)
        for det, fuel in (("20200909", ELECTRIC), ("20230303", ELECTRIC), ("20220202", ("Waterstof", "Z")))
    ]
    moped = {"kind": ("Bromfiets", "L1e"), "inrichting": "N.v.t.", "masses": (None, 105)}
    cases += [
        car(det, ("Benzine", k), make=("PIAGGIO", "ZIP"), **moped)
        for det, k in (("20080505", ""), ("20150606", "4"), ("20190909", "5"))
    ]
    cases += [car(det, ELECTRIC, make=("NIU", "NQI SPORT"), **moped) for det in ("20200303", "20230707")]
    motor = {"kind": ("Motorfiets", "L3e"), "inrichting": "N.v.t.", "masses": (None, 210)}
    cases += [
        car(det, ("Benzine", k), make=("HONDA", "CB 500 F"), **motor)
        for det, k in (("19790505", ""), ("20050505", "2"), ("20170303", "4"), ("20210606", "5"))
    ]
    cases += [car("20220808", ELECTRIC, make=("ZERO", "SR/F"), **motor)]
    rng = random.Random(7)
    for n in range(40):
        det = f"{rng.randrange(1995, 2025)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
        fuel = rng.choice((("Benzine", "6"), ("Benzine", "5"), ("Diesel", "6"), ("Diesel", "5"), ELECTRIC))
        cases.append(car(det, fuel, inrichting=("hatchback", "stationwagen", "sedan", "mpv")[n % 4]))
    return cases


def vehicles() -> list[Vehicle]:
    cases = [*milieuzone(), *zero_emission(), *exemptions(), *others()]
    rng = random.Random(20260101)
    taken = {row[0] for row in FRAME_VEHICLES} | {v.plate for v in cases if v.plate}
    for vehicle in cases:
        vehicle.plate = vehicle.plate or random_plate(int(vehicle.det[:4]), vehicle.category, rng, taken)
    return cases
