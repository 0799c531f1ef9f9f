"""Scoring plate readers against labelled frames, for `anpr bench recognition` and the calibration fit.

Labels are matched to readings by text (the closest reading in the frame, each used once), not by box:
the shared dev set's two-plate frames pair each text with the other plate's box, and a box match would
count those as misses. A reading that matches no label counts as a wrong read (a false plate)."""

import csv
import itertools
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from anpr_recognition import PlateReading, edit_distance, synthetic_samples

CONFIDENCE_BUCKETS = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 1.0)


@dataclass(frozen=True)
class LabelledFrame:
    name: str
    jpeg: bytes
    plates: tuple[str, ...]
    countries: tuple[str | None, ...] = ()  # per plate, where the labels say (the European set)


def labelled_directory(path: Path) -> list[LabelledFrame]:
    """Frames of a directory with a labels.csv (image, ..., plate[, country]): one row per plate."""
    plates: dict[str, list[str]] = {}
    countries: dict[str, list[str | None]] = {}
    with (path / "labels.csv").open(newline="") as file:
        for row in csv.DictReader(file):
            plates.setdefault(row["image"], []).append(row["plate"])
            countries.setdefault(row["image"], []).append(row.get("country") or None)
    return [
        LabelledFrame(name, (path / name).read_bytes(), tuple(texts), tuple(countries[name]))
        for name, texts in sorted(plates.items())
    ]


def synthetic_set(count: int, seed: int) -> list[LabelledFrame]:
    samples = synthetic_samples(count, random.Random(seed), hard=True)
    return [LabelledFrame(f"synthetic-{i}", s.jpeg, (s.text,)) for i, s in enumerate(samples)]


@dataclass
class Score:
    plates: int = 0
    exact: int = 0
    characters: int = 0
    characters_right: int = 0
    false_reads: int = 0
    exact_o_as_0: int = 0  # right when O and 0 count as one symbol (foreign labels mix them)
    country_named: int = 0  # plates read with the labelled country named (where a country is labelled)
    # (confidence, right) of every read made, for the calibration table
    reads: list[tuple[float, bool]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.exact / self.plates if self.plates else 0.0

    @property
    def accuracy_o_as_0(self) -> float:
        return self.exact_o_as_0 / self.plates if self.plates else 0.0

    @property
    def country_accuracy(self) -> float:
        return self.country_named / self.plates if self.plates else 0.0

    @property
    def character_accuracy(self) -> float:
        return self.characters_right / self.characters if self.characters else 0.0

    def add(
        self, labels: Sequence[str], readings: Sequence[PlateReading], countries: Sequence[str | None] = ()
    ) -> None:
        unused = list(readings)
        for index, label in enumerate(labels):
            self.plates += 1
            self.characters += len(label)
            best = min(unused, key=lambda r: edit_distance(label, r.text), default=None)
            if best is None:
                continue
            unused.remove(best)
            self.exact += best.text == label
            self.exact_o_as_0 += best.text.replace("O", "0") == label.replace("O", "0")
            country = countries[index] if index < len(countries) else None
            self.country_named += country is not None and best.country == country
            self.characters_right += max(0, len(label) - edit_distance(label, best.text))
            self.reads.append((best.confidence, best.text == label))
        self.false_reads += len(unused)
        self.reads.extend((reading.confidence, False) for reading in unused)


@dataclass(frozen=True)
class Bucket:
    low: float
    high: float
    reads: int
    right: int

    @property
    def accuracy(self) -> float | None:
        return self.right / self.reads if self.reads else None


def calibration_table(reads: Iterable[tuple[float, bool]]) -> list[Bucket]:
    pairs = list(reads)
    buckets = []
    for low, high in itertools.pairwise(CONFIDENCE_BUCKETS):
        inside = [
            right for confidence, right in pairs if low <= confidence < high or (high == 1.0 and confidence == 1.0)
        ]
        buckets.append(Bucket(low, high, len(inside), sum(inside)))
    return buckets
