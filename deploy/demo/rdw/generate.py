"""Generate the demo RDW registry in the shape of the RDW open-data CSV exports (see README.md).

    .venv/bin/python deploy/demo/rdw/generate.py                  # the demo snapshot, into this folder
    .venv/bin/python deploy/demo/rdw/generate.py --rows 1000000   # a national-size set, outside the repo

Deterministic: the same arguments write the same bytes. The snapshot holds the plates of the demo frames
with their facts, then a catalogue of vehicles covering every case the regimes distinguish
(`catalogue.py`); `--rows` writes a synthetic set of that many vehicles in the CSV download's header style
(every column of the real export, a few impossible values included) to test the importer at scale.
"""

import argparse
import csv
import tempfile
from pathlib import Path

# Run as a script, so its folder is on sys.path: the sibling modules are plain files beside it.
from catalogue import FRAME_BODIES, FRAME_FUELS, FRAME_VEHICLES, vehicles
from model import Vehicle
from national import write_national

HERE = Path(__file__).resolve().parent

BASE = ("kenteken", "voertuigsoort", "merk", "handelsbenaming", "europese_voertuigcategorie", "inrichting",
        "datum_eerste_toelating", "toegestane_maximum_massa_voertuig", "massa_rijklaar", "eerste_kleur")  # fmt: skip
FUEL = (
    "kenteken",
    "brandstof_volgnummer",
    "brandstof_omschrijving",
    "emissiecode_omschrijving",
    "uitlaatemissieniveau",
)
SPECIAL = ("kenteken", "bijzonderheid_volgnummer", "bijzonderheid_code", "bijzonderheid_code_1")
BODY = ("kenteken", "carrosserie_volgnummer", "carrosserietype", "type_carrosserie_europese_omschrijving")
BODY_SPECIFIC = ("kenteken", "carrosserie_volgnummer", "carrosserie_voertuig_nummer_code_volgnummer",
                 "carrosseriecode", "carrosserie_voertuig_nummer_europese_omschrijving")  # fmt: skip


def write(path: Path, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_snapshot(out: Path) -> int:
    cases: list[Vehicle] = vehicles()
    base = [*FRAME_VEHICLES, *(v.base_row() for v in cases)]
    write(out / "voertuigen.csv", BASE, base)
    write(out / "brandstof.csv", FUEL, [*FRAME_FUELS, *(row for v in cases for row in v.fuel_rows())])
    write(out / "bijzonderheden.csv", SPECIAL, [row for v in cases for row in v.special_rows()])
    write(out / "carrosserie.csv", BODY, [*FRAME_BODIES, *(row for v in cases for row in v.body_rows())])
    write(out / "carrosserie_specifiek.csv", BODY_SPECIFIC, [row for v in cases for row in v.specific_rows()])
    return len(base)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, help="write a synthetic national-size set of this many vehicles")
    parser.add_argument("--out", type=Path, help="output folder (default: this folder, or a temp folder for --rows)")
    args = parser.parse_args()
    if args.rows:
        out = args.out or Path(tempfile.gettempdir()) / f"anpr-rdw-{args.rows}"
        out.mkdir(parents=True, exist_ok=True)
        bad = write_national(out, args.rows)
        print(f"wrote {args.rows:,} vehicles to {out}; on purpose: " + ", ".join(f"{n} {k}" for k, n in bad.items()))
    else:
        out = args.out or HERE
        out.mkdir(parents=True, exist_ok=True)
        print(f"wrote {write_snapshot(out)} vehicles to {out}")


if __name__ == "__main__":
    main()
