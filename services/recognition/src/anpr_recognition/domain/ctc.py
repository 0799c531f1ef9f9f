"""CTC lattices over the plate alphabet A-Z0-9: folding a recogniser's classes into it, greedy (unconstrained)
decoding, and the max-path scores that constrained decoding is compared with.

A `Lattice` holds per-frame log probabilities of shape (frames, 37): column 0 is "no character" (the CTC
blank plus every class that is no plate character: punctuation, the dash, non-Latin script), columns 1-36
are A-Z then 0-9. Folding the noise into the blank is what lets a separator or a smudge read as a dash
cost nothing, while a letter that is not there still has to be paid for."""

import unicodedata
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
BLANK = 0
_FLOOR = 1e-12  # log(0) would turn a "never" into NaN arithmetic; this is "practically never"
_CERTAIN_BLANK = 0.999
_SAME_STROKE = 0.2

FloatArray = NDArray[np.float32]


def plate_symbol(character: str) -> str | None:
    """The A-Z0-9 symbol a recogniser class stands for (full-width and accented forms fold), or None."""
    decomposed = unicodedata.normalize("NFKD", character)
    base = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).upper()
    return base if len(base) == 1 and base in ALPHABET else None


@dataclass(frozen=True)
class Folding:
    """Which recogniser classes are plate symbols: only those are summed (a few dozen of thousands of
    classes); everything else is "no character", one minus their total."""

    classes: NDArray[np.intp]
    matrix: FloatArray  # (len(classes), 36)


def folding_matrix(characters: list[str]) -> Folding:
    symbols = [(index, plate_symbol(character)) for index, character in enumerate(characters) if index != 0]
    kept = [(index, symbol) for index, symbol in symbols if symbol is not None]
    matrix = np.zeros((len(kept), len(ALPHABET)), dtype=np.float32)
    for row, (_, symbol) in enumerate(kept):
        matrix[row, ALPHABET.index(symbol)] = 1.0
    return Folding(np.array([index for index, _ in kept], dtype=np.intp), matrix)


@dataclass(frozen=True)
class Lattice:
    log_probs: FloatArray  # (frames, 37)

    @classmethod
    def from_probabilities(cls, probabilities: FloatArray, folding: Folding) -> "Lattice":
        symbols = np.asarray(probabilities, dtype=np.float32)[:, folding.classes] @ folding.matrix
        folded = np.concatenate([1 - symbols.sum(axis=1, keepdims=True), symbols], axis=1)
        return cls(np.log(np.maximum(folded, _FLOOR)).astype(np.float32)[_informative_frames(folded)])

    @property
    def best_path_score(self) -> float:
        """Log probability of the single most likely frame path: an upper bound for any constrained path."""
        return float(self.log_probs.max(axis=1).sum())


def _informative_frames(folded: FloatArray) -> NDArray[np.bool_]:
    """All frames but the second and later of a run of certain blanks (the padding, the gaps between
    characters): they add the same to every path that does not sit on a character there, and no path that
    does can win, so dropping them changes no decision and saves most of the decoding time."""
    certain = folded[:, BLANK] >= _CERTAIN_BLANK
    repeated = np.zeros(len(folded), dtype=np.bool_)
    repeated[1:] = certain[1:] & certain[:-1]
    return ~repeated


@dataclass(frozen=True)
class Decoded:
    """A reading of a lattice: its text, each character's probability, and the log score of its path."""

    text: str
    character_probabilities: tuple[float, ...]
    path_score: float

    @property
    def min_character_probability(self) -> float:
        return min(self.character_probabilities, default=0.0)


def greedy_decode(lattice: Lattice) -> Decoded:
    """Best symbol per frame, repeats collapsed. A character that runs on through one frame of doubtful
    blank (still at least _SAME_STROKE likely there) is one character, not a double: a wide glyph often
    flickers to blank mid-stroke, while two equal characters are parted by the gap between glyphs."""
    best = lattice.log_probs.argmax(axis=1)
    text, probabilities = [], []
    previous, last_symbol, blanks = BLANK, BLANK, 0
    for frame, symbol in enumerate(best.tolist()):
        probability = float(np.exp(lattice.log_probs[frame, symbol]))
        through_blank = (
            symbol == last_symbol and blanks == 1 and np.exp(lattice.log_probs[frame - 1, symbol]) >= _SAME_STROKE
        )
        if symbol != BLANK and symbol != previous and not through_blank:
            text.append(ALPHABET[symbol - 1])
            probabilities.append(probability)
        elif symbol != BLANK:
            # A character spread over several frames is as sure as its surest frame.
            probabilities[-1] = max(probabilities[-1], probability)
        if symbol == BLANK:
            blanks += 1
        else:
            last_symbol, blanks = symbol, 0
        previous = symbol
    return Decoded("".join(text), tuple(probabilities), lattice.best_path_score)
