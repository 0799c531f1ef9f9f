"""The synthetic European dev set: plates of 16 countries rendered over the plates of the real Dutch dev
frames (each frame's labelled box), in the dev set's shape (JPEGs and a labels.csv, with a country
column). Built once per seed and size into the model cache, never into git: the same inputs give the
same bytes, so figures from different runs compare."""

import csv
import hashlib
import random
import shutil
from pathlib import Path

from anpr_recognition import EUROPEAN_COUNTRIES, default_cache_dir, european_plate_over

VERSION = 4  # bump when the generator changes, so an old cached set is not read as the new one
_MIN_WIDTH = 24  # pixels: no plate can be drawn in less
_COLUMNS = ("image", "x0", "y0", "x1", "y1", "plate", "as_printed", "country")


def european_set(dev: Path, per_country: int, seed: int, cache: Path | None = None) -> Path:
    """The directory of the set, generated first if it is not in `cache` (default: beside the model cache,
    ~/.cache/anpr/datasets) yet."""
    # Named by what it is made of: another dev set (or another version of its labels) is another set.
    scenes_digest = hashlib.sha256((dev / "labels.csv").read_bytes()).hexdigest()[:10]
    name = f"eu-plates-v{VERSION}-{scenes_digest}-seed{seed}-n{per_country}"
    target = (cache or default_cache_dir().parent / "datasets") / name
    if (target / "labels.csv").is_file():
        return target
    scenes = _single_plate_frames(dev)
    if not scenes:
        raise ValueError(f"{dev} has no frame with exactly one labelled plate (of {_MIN_WIDTH}+ pixels) to paint over")
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    rows = []
    for country_index, country in enumerate(EUROPEAN_COUNTRIES):
        for number in range(per_country):
            # Each country over a spread of scenes, a different spread per country.
            image, box = scenes[(number * 7 + country_index * 3) % len(scenes)]
            rng = random.Random(f"{seed}:{country}:{number}")
            plate = european_plate_over((dev / image).read_bytes(), box, country, rng)
            name = f"{country.lower()}_{number:03d}.jpg"
            (partial / name).write_bytes(plate.jpeg)
            rows.append((name, *plate.box, plate.text, plate.printed, country))
    with (partial / "labels.csv").open("w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(_COLUMNS)
        writer.writerows(rows)
    licence = dev / "LICENSE"
    if licence.is_file():  # the scenes are the dev set's photos: their licence travels with them
        shutil.copy(licence, partial / "LICENSE")
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    return target


def _single_plate_frames(dev: Path) -> list[tuple[str, tuple[int, int, int, int]]]:
    with (dev / "labels.csv").open(newline="") as file:
        rows = list(csv.DictReader(file))
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["image"]] = counts.get(row["image"], 0) + 1
    boxes = [
        (row["image"], (int(row["x0"]), int(row["y0"]), int(row["x1"]), int(row["y1"])))
        for row in rows
        if counts[row["image"]] == 1
    ]
    return [(image, box) for image, box in boxes if box[2] - box[0] >= _MIN_WIDTH and box[3] > box[1]]
