"""Confidence that means something: a raw score from the read's evidence, mapped by isotonic regression
(pool adjacent violators) to the share of reads with that score that were right when it was fitted."""

import bisect
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

_UNCHECKED = 1.0
_YELLOW_NOT_DUTCH = 1.5
_FOREIGN_FORMAT = 0.5


def raw_score(
    min_character_probability: float,
    detector_score: float,
    grammar_cost: float,
    dutch: bool,
    yellow: bool,
    in_format: bool = False,
) -> float:
    """Higher is surer. The weakest character dominates (one wrong character is a wrong plate); the
    detector's doubt and what the grammar had to overrule count less. A reading no grammar checked is
    less sure (on synthetic frames most confident wrong reads were foreign O/0 confusions or cut-off
    plates), and a yellow plate that did not read as Dutch was most likely cut off or misread. A reading
    in a European format (`in_format`) is checked less strictly than a Dutch one (the formats are broad)
    but more than a free reading, which on the same evidence always scores lower than either."""
    if dutch:
        unchecked = 0.0
    elif in_format:
        unchecked = _FOREIGN_FORMAT + (_YELLOW_NOT_DUTCH if yellow else 0.0)
    else:
        unchecked = _UNCHECKED + (_YELLOW_NOT_DUTCH if yellow else 0.0)
    return (
        math.log(max(min_character_probability, 1e-6))
        + 0.5 * math.log(max(detector_score, 1e-6))
        - 0.25 * grammar_cost
        - unchecked
    )


@dataclass(frozen=True)
class Calibration:
    """A non-decreasing step function from raw score to probability; interpolated between its knots."""

    scores: tuple[float, ...]
    probabilities: tuple[float, ...]

    def __call__(self, score: float) -> float:
        if not self.scores:
            return 1 / (1 + math.exp(-4 - score))  # uncalibrated fallback, still monotonic
        right = bisect.bisect_left(self.scores, score)
        if right == 0:
            return self.probabilities[0]
        if right == len(self.scores):
            return self.probabilities[-1]
        left = right - 1
        span = self.scores[right] - self.scores[left]
        weight = (score - self.scores[left]) / span if span > 0 else 1.0
        return self.probabilities[left] + weight * (self.probabilities[right] - self.probabilities[left])

    @classmethod
    def fit(cls, scores: Sequence[float], correct: Sequence[bool], prior_weight: float = 1.0) -> "Calibration":
        """Isotonic fit; each block also holds `prior_weight` pseudo-reads at 50 %, so a block of three
        right reads says 0.875, not a certainty it has not earned."""
        pairs = sorted(zip(scores, correct, strict=True))
        blocks: list[list[float]] = []  # [sum of outcomes, count, mean score]
        for score, outcome in pairs:
            blocks.append([float(outcome), 1.0, score])
            while len(blocks) > 1 and _mean(blocks[-2], prior_weight) >= _mean(blocks[-1], prior_weight):
                right_block = blocks.pop()
                left_block = blocks[-1]
                total = left_block[1] + right_block[1]
                left_block[2] = (left_block[2] * left_block[1] + right_block[2] * right_block[1]) / total
                left_block[0] += right_block[0]
                left_block[1] = total
        return cls(tuple(b[2] for b in blocks), tuple(round(_mean(b, prior_weight), 4) for b in blocks))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps({"scores": self.scores, "probabilities": self.probabilities}, indent=1) + "\n")

    @classmethod
    def load(cls, path: Path) -> "Calibration":
        data = json.loads(path.read_text())
        return cls(tuple(data["scores"]), tuple(data["probabilities"]))


def _mean(block: list[float], prior_weight: float) -> float:
    return (block[0] + 0.5 * prior_weight) / (block[1] + prior_weight)
