"""Constrained CTC decoding over the European formats: the best reading of a lattice in any format of the
given countries, each format also tried behind its country's band sign.

Where the band was not painted over (no colour at night, a band the colour test missed), its sign reads
as characters before the plate: "F" + AB-123-CD. Each format therefore also runs with the sign's letters
as leading slots that the text then leaves out.

Formats are ranked by path score plus a prior: a band reading must be clearly better than a plain one
(a real character is never dropped for a close call; D + B-AB-123 against DBA-B-123 keeps the D), and a
country whose rules allow many shapes (Austria 44, Germany 23) fits any text more easily, so each of
its shapes weighs less. That also names the country of a text several countries allow when no band
was legible, together with how often a country's cars are met here: the neighbours and the largest
senders of foreign cars (COMMON) before the rest, then the country with fewer shapes, which made the
text likelier (AB-123-CD: France before Italy, though Italy has one shape and France four; AB12-CDE
Britain before Romania; HH-AB-123 Germany's 23 shapes before Austria's 44).
The prior ranks formats only; whether a format reading is accepted at all is decided on its path score
alone (reading.py)."""

import math
from collections import Counter
from dataclasses import dataclass
from functools import cache

import numpy as np
from numpy.typing import NDArray

from anpr_recognition.domain.constrained import Masks, backtrace, pattern_scores
from anpr_recognition.domain.ctc import ALPHABET, Decoded, Lattice
from anpr_recognition.domain.european_formats import PlateFormat, european_formats

# The sign each country's band carries (Vienna Convention), as read before the plate.
BAND_LETTERS = {
    "AT": "A", "BE": "B", "CH": "CH", "CZ": "CZ", "DE": "D", "DK": "DK", "ES": "E", "FR": "F", "GB": "UK",
    "HR": "HR", "IT": "I", "LU": "L", "PL": "PL", "RO": "RO", "SK": "SK",
}  # fmt: skip
BAND_PRIOR = -1.0  # log-probability
SHAPES_PRIOR = -0.3  # times the log of the number of the country's shapes
COMMON = frozenset({"DE", "BE", "FR", "GB", "PL"})
RARE_PRIOR = -0.6  # log-probability: a country not in COMMON
_UNFIT = -1e8
MAX_EDITS = 2


@dataclass(frozen=True)
class _Pattern:
    plate_format: PlateFormat
    band: str  # the sign's letters before the plate, "" for none
    prior: float


@dataclass(frozen=True)
class FormatMatch:
    decoded: Decoded  # the plate's characters only (no band letters); path_score is the whole path's
    plate_format: PlateFormat
    band: str


@cache
def _groups(countries: tuple[str, ...], with_band: bool) -> tuple[tuple[tuple[_Pattern, ...], Masks], ...]:
    """The patterns by number of slots (the trellis needs one slot count per run), with their masks."""
    formats = [f for f in european_formats() if f.country in countries]
    shapes = Counter(f.country for f in formats)
    patterns = [_Pattern(f, "", _country_prior(f.country, shapes[f.country])) for f in formats]
    if with_band:
        patterns += [
            _Pattern(p.plate_format, BAND_LETTERS[p.plate_format.country], p.prior + BAND_PRIOR) for p in patterns
        ]
    groups = []
    for slots in sorted({len(p.band) + len(p.plate_format.slots) for p in patterns}):
        members = tuple(p for p in patterns if len(p.band) + len(p.plate_format.slots) == slots)
        masks = np.array(
            [[[symbol in slot for symbol in ALPHABET] for slot in _slot_sets(p)] for p in members], dtype=np.bool_
        )
        masks.setflags(write=False)
        groups.append((members, masks))
    return tuple(groups)


def _country_prior(country: str, shapes: int) -> float:
    return SHAPES_PRIOR * math.log(shapes) + (0.0 if country in COMMON else RARE_PRIOR)


def _slot_sets(pattern: _Pattern) -> tuple[frozenset[str], ...]:
    return (*(frozenset(letter) for letter in pattern.band), *pattern.plate_format.slots)


def best_format(
    lattice: Lattice, countries: tuple[str, ...], with_band: bool, near: str | None = None
) -> FormatMatch | None:
    """The best-scoring format reading of `countries` (in their order on equal scores), or None.

    `near`: the free reading. Only formats it fits after at most MAX_EDITS changes (a character in a slot
    that does not allow it, one added or dropped) are decoded: every change moves the path off a symbol
    the recogniser preferred, and more of them cost more than the reading's limits allow. That leaves a
    handful of the couple of hundred patterns, which is what keeps this a few milliseconds a plate."""
    best: FormatMatch | None = None
    best_rank = _UNFIT
    for members, masks in _groups(countries, with_band):
        slots = masks.shape[1]
        if len(lattice.log_probs) < slots:
            continue
        kept = np.arange(len(members)) if near is None else np.flatnonzero(_edits(masks, near) <= MAX_EDITS)
        if not len(kept):
            continue
        scores, trellis = pattern_scores(lattice, masks[kept])
        ranked = scores + np.array([members[k].prior for k in kept], dtype=np.float32)
        index = int(ranked.argmax())
        if scores[index] > _UNFIT and ranked[index] > best_rank:
            whole = backtrace(lattice, trellis, index, float(scores[index]))
            pattern = members[int(kept[index])]
            skip = len(pattern.band)
            plate = Decoded(whole.text[skip:], whole.character_probabilities[skip:], whole.path_score)
            best, best_rank = FormatMatch(plate, pattern.plate_format, pattern.band), float(ranked[index])
    return best


def _edits(masks: Masks, text: str) -> NDArray[np.int64]:
    """Per pattern: how many slots the text breaks, plus one if a character must be added or dropped
    (the best place for it); more than MAX_EDITS where the lengths differ by more than one."""
    patterns, slots, _ = masks.shape
    symbols = [ALPHABET.index(ch) for ch in text if ch in ALPHABET]
    wildcard = len(ALPHABET)  # an added character fits any slot
    if len(symbols) == slots:
        variants, extra = [symbols], 0
    elif len(symbols) == slots + 1:
        variants, extra = [symbols[:j] + symbols[j + 1 :] for j in range(len(symbols))], 1
    elif len(symbols) == slots - 1:
        variants, extra = [[*symbols[:j], wildcard, *symbols[j:]] for j in range(slots)], 1
    else:
        return np.full(patterns, MAX_EDITS + 1)
    padded = np.concatenate([masks, np.ones((patterns, slots, 1), dtype=np.bool_)], axis=2)
    fits = padded[:, np.arange(slots)[np.newaxis, :], np.array(variants)]  # (patterns, variants, slots)
    edits: NDArray[np.int64] = (slots - fits.sum(axis=2)).min(axis=1) + extra
    return edits
