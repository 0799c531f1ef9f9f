"""What a fault run sends and what must come out of it, decided before anything is sent.

Reads are made for synthetic vehicles whose RDW facts are chosen so that the regimes in `deploy/regimes`
judge them one known way at a location of zone centrum (milieuzone + zero-emission zone, both in
enforce mode): old diesel cars are milieuzone candidates, old diesel vans zero-emission candidates,
unknown plates review-only candidates of both, everything else a no-hit (petrol, clean diesel, 40+ years
old, a resident's permit). With `dedupe_per: day` a vehicle has one candidate per regime and day however
often it is read, so some violators are read twice. Frames are the demo camera frames, whose plates and
registry facts are known (deploy/demo/rdw/README.md)."""

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from anpr_cli.paths import demo_frames_dir, demo_registry_file

MILIEUZONE, ZERO_EMISSION = "milieuzone-centrum", "ze-zone-centrum"
REGIMES = (MILIEUZONE, ZERO_EMISSION)
LOCAL = ZoneInfo("Europe/Amsterdam")
LETTERS = "BDFGHJKLMNPRSTVXZ"  # no vowels, no C, Q or Y in recent series

# kind: (voertuigsoort, category, inrichting, first admission, max mass, empty mass, fuel, class) | None
# (not in the registry), the regimes it must be a candidate of, its share of the reads.
KINDS: dict[str, tuple[tuple[str, ...] | None, frozenset[str], float]] = {
    "old_diesel_car": (
        ("Personenauto", "M1", "hatchback", "20030514", "1790", "1310", "Diesel", "3"),
        frozenset({MILIEUZONE}),
        0.20,
    ),
    "old_diesel_van": (
        ("Bedrijfsauto", "N1", "gesloten opbouw", "20080402", "2210", "1450", "Diesel", "4"),
        frozenset({ZERO_EMISSION}),
        0.05,
    ),
    "unknown_plate": (None, frozenset(REGIMES), 0.02),
    "permit_holder": (
        ("Personenauto", "M1", "hatchback", "20030514", "1790", "1310", "Diesel", "3"),
        frozenset(),
        0.05,
    ),
    "petrol_car": (("Personenauto", "M1", "sedan", "20180605", "1950", "1375", "Benzine", "6"), frozenset(), 0.48),
    "clean_diesel_car": (
        ("Personenauto", "M1", "stationwagen", "20190304", "2000", "1500", "Diesel", "6"),
        frozenset(),
        0.05,
    ),
    "classic_car": (("Personenauto", "M1", "cabriolet", "19800101", "1400", "1000", "Diesel", "1"), frozenset(), 0.10),
}
REPEAT_SHARE = 0.05  # further reads of old diesel cars already read: still one candidate each

# The demo frames (deploy/demo/frames, labels.csv) and what their plates are in the demo registry.
# c4_2 is left out: its French plate would be a review-only candidate of both regimes.
FRAME_IMAGES: tuple[str, ...] = ("c12_1", "c12_10", "c12_12", "c12_2", "c12_20", "c12_28", "c12_3", "c12_5")
FRAME_IMAGES += ("c12_6", "c12_7", "c12_8", "c12_9", "c3_1", "c3_2")
FRAME_CANDIDATES = {
    "63HKHD": MILIEUZONE,  # diesel, class 3
    "01XJND": MILIEUZONE,  # diesel, no class registered: derived 3 from 2001
    "XSNB23": MILIEUZONE,  # diesel, class 2
    "89NVJP": MILIEUZONE,  # diesel, derived class 3 (in c3_1 with 24LSB1)
    "VD020P": ZERO_EMISSION,  # diesel van, class 4
}
FRAME_PERMIT = "ZDPB67"  # an old diesel too, with a resident's permit granted by the run
FRAME_NO_HITS: tuple[str, ...] = (
    "RPNL93",
    "24LBHT",
    "ZDPB67",
    "3VFX39",
    "72TBZ9",
    "57LFJB",
    "98THD4",
    "23GSX6",
    "24LSB1",
)
FRAME_NO_HITS += ("98JJGB", "25XVLX")


@dataclass(frozen=True)
class Read:
    plate: str
    kind: str
    observed_at: datetime


@dataclass
class Plan:
    reads: list[Read]
    frames: int
    corrupt_frames: int
    garbage_reads: int
    vehicles: dict[str, str] = field(default_factory=dict)  # plate -> kind, only those in the registry
    expected: set[tuple[str, str]] = field(default_factory=set)  # (plate, regime)
    no_hit_plates: set[str] = field(default_factory=set)
    permits: list[str] = field(default_factory=list)

    def frame_images(self) -> Iterator[str]:
        for n in range(self.frames):
            yield FRAME_IMAGES[n % len(FRAME_IMAGES)]


def make_plan(reads: int, frames: int, corrupt_frames: int, garbage_reads: int, now: datetime, seed: int = 7) -> Plan:
    rng = random.Random(seed)
    # Never a plate the demo registry already has: its facts would be merged with the plan's (a demo van
    # read as a "petrol car" raised a zero-emission candidate nobody expected in a 20,000-read run).
    taken = set(FRAME_NO_HITS) | set(FRAME_CANDIDATES) | _demo_registry_plates()
    plan = Plan([], frames, corrupt_frames, garbage_reads, permits=[FRAME_PERMIT])
    moment = observation_moment(now)
    kinds: list[tuple[str, str]] = []
    for kind, (facts, regimes, share) in KINDS.items():
        for _ in range(max(1, round(reads * share))):
            plate = _new_plate(rng, taken)
            kinds.append((plate, kind))
            if facts is not None:
                plan.vehicles[plate] = kind
            plan.expected |= {(plate, regime) for regime in regimes}
            if not regimes:
                plan.no_hit_plates.add(plate)
            if kind == "permit_holder":
                plan.permits.append(plate)
    violators = [plate for plate, kind in kinds if kind == "old_diesel_car"]
    kinds += [
        (plate, "old_diesel_car") for plate in rng.sample(violators, min(len(violators), round(reads * REPEAT_SHARE)))
    ]
    rng.shuffle(kinds)
    plan.reads = [Read(plate, kind, moment + timedelta(milliseconds=n)) for n, (plate, kind) in enumerate(kinds)]
    if frames:
        images = set(plan.frame_images())
        seen = {plate for image in images for plate in _frame_plates(image)}
        plan.expected |= {(plate, regime) for plate, regime in FRAME_CANDIDATES.items() if plate in seen}
        plan.no_hit_plates |= {plate for plate in FRAME_NO_HITS if plate in seen}
    return plan


def observation_moment(now: datetime) -> datetime:
    """Every read of the run on one local day, away from midnight: `dedupe_per: day` counts local days."""
    local = now.astimezone(LOCAL)
    if local.hour >= 23:
        return now - timedelta(hours=2)
    return now


def _frame_plates(image: str) -> list[str]:
    labels = demo_frames_dir() / "labels.csv"
    with labels.open() as file:
        return [row["plate"] for row in csv.DictReader(file) if row["image"] == f"{image}.jpg"]


def _demo_registry_plates() -> set[str]:
    registry = demo_registry_file()
    with registry.open() as file:
        return {row["kenteken"] for row in csv.DictReader(file)}


def _new_plate(rng: random.Random, taken: set[str]) -> str:
    while True:  # sidecode 9, XX-999-X
        plate = f"{rng.choice(LETTERS)}{rng.choice(LETTERS)}{rng.randrange(100, 1000)}{rng.choice(LETTERS)}"
        if plate not in taken:
            taken.add(plate)
            return plate


def write_registry(plan: Plan, demo: Path, out: Path) -> dict[str, Path]:
    """The demo registry plus the plan's vehicles, in the RDW CSV shape `anpr vehicles import` takes."""
    out.mkdir(parents=True, exist_ok=True)
    files = {name: out / f"{name}.csv" for name in ("voertuigen", "brandstof", "bijzonderheden", "carrosserie")}
    files["carrosserie_specifiek"] = demo / "carrosserie_specifiek.csv"
    for name in ("voertuigen", "brandstof", "bijzonderheden", "carrosserie"):
        files[name].write_text((demo / f"{name}.csv").read_text())
    with files["voertuigen"].open() as demo_base:
        header = next(csv.reader(demo_base))
    with files["voertuigen"].open("a", newline="") as base, files["brandstof"].open("a", newline="") as fuel:
        # By the demo file's own header: every row has all its columns (the importer skips a shorter one),
        # whatever columns the demo registry gains.
        base_rows, fuel_rows = csv.DictWriter(base, header, restval=""), csv.writer(fuel)
        for plate, kind in plan.vehicles.items():
            facts = KINDS[kind][0]
            assert facts is not None
            soort, category, inrichting, first, max_mass, empty_mass, fuel_name, emission = facts
            base_rows.writerow(
                {"kenteken": plate, "voertuigsoort": soort, "merk": "FAULTS", "handelsbenaming": kind,
                 "europese_voertuigcategorie": category, "inrichting": inrichting, "datum_eerste_toelating": first,
                 "toegestane_maximum_massa_voertuig": max_mass, "massa_rijklaar": empty_mass, "eerste_kleur": "GRIJS"}
            )  # fmt: skip
            fuel_rows.writerow([plate, "1", fuel_name, emission, f"EURO {emission}"])
    return files
