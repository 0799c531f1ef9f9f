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

import numpy as np

from anpr_recognition import PlateReading, decode_rgb, edit_distance, synthetic_samples

Box = tuple[int, int, int, int]
CONFIDENCE_BUCKETS = (0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 1.0)


@dataclass(frozen=True)
class LabelledFrame:
    name: str
    jpeg: bytes
    plates: tuple[str, ...]
    countries: tuple[str | None, ...] = ()  # per plate, where the labels say (the European set)
    boxes: tuple[Box, ...] = ()  # per plate, in frame pixels
    brightness: tuple[float, ...] = ()  # per plate: mean 0-255 of its box, for recall in the dark


def labelled_directory(path: Path) -> list[LabelledFrame]:
    """Frames of a directory with a labels.csv (image, ..., plate[, country]): one row per plate."""
    plates: dict[str, list[str]] = {}
    countries: dict[str, list[str | None]] = {}
    boxes: dict[str, list[Box]] = {}
    with (path / "labels.csv").open(newline="") as file:
        for row in csv.DictReader(file):
            plates.setdefault(row["image"], []).append(row["plate"])
            countries.setdefault(row["image"], []).append(row.get("country") or None)
            boxes.setdefault(row["image"], []).append((int(row["x0"]), int(row["y0"]), int(row["x1"]), int(row["y1"])))
    frames = []
    for name, texts in sorted(plates.items()):
        jpeg = (path / name).read_bytes()
        frame_boxes = tuple(boxes[name])
        frames.append(
            LabelledFrame(name, jpeg, tuple(texts), tuple(countries[name]), frame_boxes, _brightness(jpeg, frame_boxes))
        )
    return frames


def synthetic_set(count: int, seed: int) -> list[LabelledFrame]:
    samples = synthetic_samples(count, random.Random(seed), hard=True)
    return [
        LabelledFrame(f"synthetic-{i}", s.jpeg, (s.text,), (), (s.box,), _brightness(s.jpeg, (s.box,)))
        for i, s in enumerate(samples)
    ]


def _brightness(jpeg: bytes, boxes: Sequence[Box]) -> tuple[float, ...]:
    rgb = decode_rgb(jpeg)
    means = []
    for x0, y0, x1, y1 in boxes:
        inside = rgb[max(0, y0) : max(y0 + 1, y1), max(0, x0) : max(x0 + 1, x1)]
        means.append(float(np.mean(inside)) if inside.size else 0.0)
    return tuple(means)


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
    confidence: float = 0.0  # the sum of its reads' confidences

    @property
    def accuracy(self) -> float | None:
        return self.right / self.reads if self.reads else None

    @property
    def mean_confidence(self) -> float | None:
        return self.confidence / self.reads if self.reads else None


def calibration_table(reads: Iterable[tuple[float, bool]]) -> list[Bucket]:
    pairs = list(reads)
    buckets = []
    for low, high in itertools.pairwise(CONFIDENCE_BUCKETS):
        inside = [
            (confidence, right)
            for confidence, right in pairs
            if low <= confidence < high or (high == 1.0 and confidence == 1.0)
        ]
        buckets.append(Bucket(low, high, len(inside), sum(r for _, r in inside), sum(c for c, _ in inside)))
    return buckets


def expected_calibration_error(reads: Iterable[tuple[float, bool]]) -> float | None:
    """|accuracy - mean confidence| per bucket of `calibration_table`, weighted by the bucket's reads: how far
    the confidence is from what it claims (0: a review threshold of 0.9 means 90 % right). None without reads."""
    buckets = calibration_table(reads)
    total = sum(b.reads for b in buckets)
    if not total:
        return None
    return sum(abs(b.right - b.confidence) for b in buckets) / total
