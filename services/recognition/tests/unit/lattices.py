"""Hand-made CTC lattices: a frame per character, with blanks between, and chosen confusions."""

import numpy as np

from anpr_recognition.domain.ctc import ALPHABET, BLANK, Lattice


def lattice(frames: list[dict[str, float]]) -> Lattice:
    """Each frame maps symbols ("_" is the blank) to probabilities; the rest is spread as noise."""
    probabilities = np.full((len(frames), len(ALPHABET) + 1), 1e-4, dtype=np.float32)
    for row, frame in enumerate(frames):
        for symbol, probability in frame.items():
            probabilities[row, BLANK if symbol == "_" else ALPHABET.index(symbol) + 1] = probability
    probabilities /= probabilities.sum(axis=1, keepdims=True)
    return Lattice(np.log(probabilities))


def spelled(*characters: dict[str, float] | str, sure: float = 0.98) -> Lattice:
    """Characters (a letter, or a dict of alternatives), each preceded and followed by a blank frame."""
    frames: list[dict[str, float]] = [{"_": 0.99}]
    for character in characters:
        frames.append({character: sure, "_": 1 - sure} if isinstance(character, str) else character)
        frames.append({"_": 0.99})
    return Lattice(lattice(frames).log_probs)
