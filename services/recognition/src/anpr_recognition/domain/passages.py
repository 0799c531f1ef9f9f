"""One read per vehicle passage: a camera sees a passing vehicle in several frames, and its reads of
that vehicle are pooled and voted on (weighted by confidence) before one read goes out.

Reads belong to the same passage when they come from the same camera, were taken within the window of
each other, and their plates differ by at most one character (a misread frame still votes, for the
plate it most resembles). The winner's best read is the evidence; its confidence is scaled by the
winner's share of the vote, so frames that disagree make the read less sure, never more."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

MAX_EDITS_WITHIN_A_PASSAGE = 1


@dataclass(frozen=True)
class Vote:
    plate: str
    confidence: float
    observed_at: datetime


@dataclass(frozen=True)
class Outcome:
    winner: int  # index of the read to publish: the most confident read of the winning plate
    plate: str
    confidence: float
    frames: int


def same_vehicle(a: str, b: str) -> bool:
    return edit_distance(a, b) <= MAX_EDITS_WITHIN_A_PASSAGE


def vote(reads: Sequence[Vote]) -> Outcome:
    if not reads:
        raise ValueError("a passage has at least one read")
    weights: dict[str, float] = {}
    for read in reads:
        # A floor keeps a read of confidence 0 from having no say at all.
        weights[read.plate] = weights.get(read.plate, 0.0) + max(read.confidence, 0.01)
    plate = max(weights, key=lambda text: (weights[text], -min(_indices(reads, text))))
    winner = max(_indices(reads, plate), key=lambda index: reads[index].confidence)
    share = weights[plate] / sum(weights.values())
    return Outcome(winner, plate, reads[winner].confidence * share, len(reads))


def _indices(reads: Sequence[Vote], plate: str) -> list[int]:
    return [index for index, read in enumerate(reads) if read.plate == plate]


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
