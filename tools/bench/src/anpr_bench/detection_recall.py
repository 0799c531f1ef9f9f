"""Detection recall by plate size and by light, for `anpr bench recognition`: which plates a reader finds
at all, whatever it then reads on them.

A labelled plate counts as found when one of the frame's reads has a box overlapping its labelled box
(IoU at least 0.3, the calibration fit's match; grown or tight boxes of one plate clear it easily). The
recall is of reads, not of raw detector boxes: a box the recogniser turned down (no text in any plate
grammar or format) is not found either, as nothing downstream ever sees it. Boxes, not texts, are
matched, so the dev set's two-plate frames (whose labels pair each text with the other plate's box)
count right."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.table import Table

from anpr_recognition import PlateReading

Box = tuple[int, int, int, int]

MIN_IOU = 0.3
# Plate width in frame pixels: the dev frames' plates run from 87 to 500 wide.
SIZE_EDGES = (100, 150, 200, 300)
# Mean brightness (0-255) of the plate's box: night and shade below 80, dusk and dirt below 130.
LIGHT_EDGES = (80, 130)
LIGHT_NAMES = ("dark", "dim", "lit")


@dataclass
class Recall:
    # bucket -> [plates, found]
    by_size: dict[str, list[int]] = field(default_factory=dict)
    by_light: dict[str, list[int]] = field(default_factory=dict)

    def add(self, boxes: Sequence[Box], brightness: Sequence[float], readings: Sequence[PlateReading]) -> None:
        for box, light in zip(boxes, brightness, strict=True):
            found = int(any(iou(reading.box, box) >= MIN_IOU for reading in readings))
            for counts, bucket in ((self.by_size, size_bucket(box)), (self.by_light, light_bucket(light))):
                tally = counts.setdefault(bucket, [0, 0])
                tally[0] += 1
                tally[1] += found

    @property
    def recall(self) -> float:
        plates = sum(plates for plates, _ in self.by_size.values())
        return sum(found for _, found in self.by_size.values()) / plates if plates else 0.0

    def size_table(self) -> dict[str, dict[str, Any]]:
        return _table(self.by_size, [size_bucket((0, 0, edge, 1)) for edge in (0, *SIZE_EDGES)])

    def light_table(self) -> dict[str, dict[str, Any]]:
        return _table(self.by_light, list(LIGHT_NAMES))


def size_bucket(box: Box) -> str:
    width = box[2] - box[0]
    lower = max((edge for edge in SIZE_EDGES if edge <= width), default=0)
    upper = min((edge for edge in SIZE_EDGES if edge > width), default=None)
    return f"{lower}-{upper}px" if upper is not None else f"{lower}px+"


def light_bucket(brightness: float) -> str:
    return LIGHT_NAMES[sum(brightness >= edge for edge in LIGHT_EDGES)]


def _table(counts: dict[str, list[int]], order: list[str]) -> dict[str, dict[str, Any]]:
    return {
        bucket: {"plates": plates, "found": found, "recall": round(found / plates, 4)}
        for bucket in order
        if bucket in counts
        for plates, found in [counts[bucket]]
    }


def iou(a: Box, b: Box) -> float:
    overlap = max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - overlap
    return overlap / union if union > 0 else 0.0


def recall_table(result: dict[str, Any]) -> Table:
    """The `*_detection_recall_by_*` figures of a bench result, one row per set, reader and bucket."""
    table = Table("set", "by", "bucket", "plates", "found", "recall", title="detection recall")
    for key, buckets in result.items():
        if "_detection_recall_by_" in key:
            prefix, by = key.split("_detection_recall_by_")
            for bucket, figures in buckets.items():
                counts = str(figures["plates"]), str(figures["found"])
                table.add_row(prefix, by, bucket, *counts, f"{figures['recall']:.3f}")
    return table
