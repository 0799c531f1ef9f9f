"""Confidence that means something: a raw score from the read's evidence, mapped by isotonic regression
(pool adjacent violators) to the share of reads with that score that were right when it was fitted.

One fit pooled over all reads, and for each foreign country with reads a fit of its own that leans on the
pooled one: the same score may be worth less on a country whose plates are read worse (an O/0 format, a
band letter that looks like a character), and a review threshold of 0.9 should mean 0.9 for every plate."""

import bisect
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

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


# A country's fit starts from the pooled one: every block of its reads holds this many pseudo-reads at the
# pooled probability of the block's score (as the pooled fit's blocks hold 2 at 50 %), so three wrong reads
# where the pooled fit says 0.9 say 0.36, not 0, and an unfitted score range says what the pooled fit says.
# Chosen on the fit's own 3290 reads, fitted on one half and scored on the other: foreign reads' Brier score
# 0.041 at 2, 0.042 at 5, 0.043 at 10, 0.046 at 20, 0.068 with the pooled fit alone.
COUNTRY_PRIOR_WEIGHT = 2.0
# Most reads are Dutch and the pooled fit is mostly theirs; a reading no country claimed has no fit either.
POOLED_ONLY = ("NL",)


class ScoreCalibration(Protocol):
    """What the reader asks: the confidence of a raw score, on a plate read as `country` (None: unknown)."""

    def __call__(self, score: float, country: str | None = None) -> float: ...


@dataclass(frozen=True)
class Calibration:
    """A non-decreasing step function from raw score to probability; interpolated between its knots."""

    scores: tuple[float, ...]
    probabilities: tuple[float, ...]

    def __call__(self, score: float, country: str | None = None) -> float:
        """`country` is ignored: one fit for every plate."""
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
        blocks = _isotonic(_single_reads(scores, correct), lambda b: b.shrunk(0.5, prior_weight))
        return cls(tuple(b.score for b in blocks), tuple(round(b.shrunk(0.5, prior_weight), 4) for b in blocks))

    @classmethod
    def fit_towards(
        cls, prior: "Calibration", scores: Sequence[float], correct: Sequence[bool], prior_weight: float
    ) -> "Calibration":
        """Isotonic fit whose blocks hold `prior_weight` pseudo-reads at `prior`'s probability of their score.
        Reads are pooled by their outcomes first (plain isotonic blocks), so thirty wrong reads weigh as
        thirty against the prior, not as thirty single reads each shrunk most of the way back to it. Below
        the lowest read it is never surer than the prior: no reads there say it should be. Above the
        highest read the top block's pseudo-reads follow the prior's rise: one right read at -2 does not
        cap every surer plate of that country at what that read alone could earn."""
        plain = _isotonic(_single_reads(scores, correct), lambda b: b.right / b.reads)
        blocks = _isotonic(plain, lambda b: b.shrunk(prior(b.score), prior_weight))
        if not blocks:
            return prior
        low, top = blocks[0], blocks[-1]
        lowest = round(low.shrunk(prior(low.score), prior_weight), 4)
        prior_knots = list(zip(prior.scores, prior.probabilities, strict=True))
        below = [(s, min(p, lowest)) for s, p in prior_knots if s < low.score]
        above = [(s, round(top.shrunk(p, prior_weight), 4)) for s, p in prior_knots if s > top.score]
        knots = below + [(b.score, round(b.shrunk(prior(b.score), prior_weight), 4)) for b in blocks] + above
        return cls(tuple(s for s, _ in knots), tuple(p for _, p in knots))

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.as_json(), indent=1) + "\n")

    def as_json(self) -> dict[str, Any]:
        return {"scores": self.scores, "probabilities": self.probabilities}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Calibration":
        return cls(tuple(data["scores"]), tuple(data["probabilities"]))

    @classmethod
    def load(cls, path: Path) -> "Calibration":
        return cls.from_json(json.loads(path.read_text()))


@dataclass(frozen=True)
class CountryCalibration:
    """The pooled fit, and a fit per foreign country the reads named (leaning on the pooled one). A country
    without a fit of its own, a Dutch plate and a plate of unknown country get the pooled fit."""

    pooled: Calibration
    countries: Mapping[str, Calibration] = field(default_factory=dict)
    made: str = ""  # how the fit was made (command, frames, reads), kept in the file

    def __call__(self, score: float, country: str | None = None) -> float:
        return self.countries.get(country or "", self.pooled)(score)

    @classmethod
    def fit(
        cls,
        scores: Sequence[float],
        correct: Sequence[bool],
        countries: Sequence[str | None],
        prior_weight: float = 2.0,
        country_weight: float = COUNTRY_PRIOR_WEIGHT,
        made: str = "",
    ) -> "CountryCalibration":
        """`countries`: the country each read was read as (its reading's, not the label's: the reader
        only knows that one)."""
        pooled = Calibration.fit(scores, correct, prior_weight)
        reads: dict[str, list[tuple[float, bool]]] = {}
        for score, right, country in zip(scores, correct, countries, strict=True):
            if country is not None and country not in POOLED_ONLY:
                reads.setdefault(country, []).append((score, right))
        fits = {
            country: Calibration.fit_towards(pooled, [s for s, _ in own], [r for _, r in own], country_weight)
            for country, own in sorted(reads.items())
        }
        return cls(pooled, fits, made)

    def save(self, path: Path) -> None:
        # The pooled fit stays at the top level, in the shape of the single fit before: a reader of that
        # shape still loads it (and gets the pooled fit).
        data = self.pooled.as_json() | {"made": self.made} if self.made else self.pooled.as_json()
        data["countries"] = {country: fit.as_json() for country, fit in self.countries.items()}
        path.write_text(json.dumps(data, indent=1) + "\n")

    @classmethod
    def load(cls, path: Path) -> "CountryCalibration":
        """Also the older file of one pooled fit (no `countries`): every plate gets that fit."""
        data = json.loads(path.read_text())
        countries = {country: Calibration.from_json(fit) for country, fit in data.get("countries", {}).items()}
        return cls(Calibration.from_json(data), countries, data.get("made", ""))


@dataclass(frozen=True)
class _Block:
    right: float
    reads: float
    score: float  # the mean score of its reads

    def __add__(self, other: "_Block") -> "_Block":
        reads = self.reads + other.reads
        return _Block(self.right + other.right, reads, (self.score * self.reads + other.score * other.reads) / reads)

    def shrunk(self, prior: float, weight: float) -> float:
        return (self.right + prior * weight) / (self.reads + weight)


def _single_reads(scores: Sequence[float], correct: Sequence[bool]) -> list[_Block]:
    return [_Block(float(right), 1.0, score) for score, right in sorted(zip(scores, correct, strict=True))]


def _isotonic(blocks: list[_Block], mean: Callable[[_Block], float]) -> list[_Block]:
    """Pool adjacent violators: neighbours merge until `mean` rises strictly from block to block."""
    pooled: list[_Block] = []
    for block in blocks:
        pooled.append(block)
        while len(pooled) > 1 and mean(pooled[-2]) >= mean(pooled[-1]):
            right = pooled.pop()
            pooled[-1] = pooled[-1] + right
    return pooled
