"""Viterbi over a CTC lattice, constrained to fixed-length patterns of allowed symbols per slot.

All patterns run at once: states are "blank after k characters" and "character c in slot k", for every
pattern, so a frame costs a few array operations whatever the number of patterns. A repeated symbol in
consecutive slots (the JJ of 98-JJ-GB) must pass through a blank, as CTC collapses repeats otherwise."""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from anpr_recognition.domain.ctc import ALPHABET, Decoded, Lattice

_NEVER = np.float32(-1e9)
_STAY, _FROM_BLANK, _FROM_CHARACTER = 0, 1, 2

Masks = NDArray[np.bool_]  # (patterns, slots, 36): which symbols each slot of each pattern allows


@dataclass(frozen=True)
class Trellis:
    character_source: NDArray[np.int8]  # (frames, patterns, slots, symbols)
    character_previous: NDArray[np.int8]  # the symbol of the slot before, where the source is a character
    blank_source: NDArray[np.int8]  # (frames, patterns, slots + 1)
    blank_previous: NDArray[np.int8]
    blank_end: NDArray[np.float32]  # (patterns,) score of ending in the final blank
    character_end: NDArray[np.float32]  # (patterns, symbols) score of ending on the last character


def pattern_scores(lattice: Lattice, masks: Masks) -> tuple[NDArray[np.float32], Trellis]:
    """Best path log score of every pattern (-1e9 or less where a pattern cannot fit the frames)."""
    log_probs = lattice.log_probs
    frames = len(log_probs)
    patterns, slots, symbols = masks.shape
    allowed = np.where(masks, np.float32(0), _NEVER).astype(np.float32)
    blank_lp, symbol_lp = log_probs[:, 0], log_probs[:, 1:]

    blank = np.full((patterns, slots + 1), _NEVER, dtype=np.float32)
    blank[:, 0] = blank_lp[0]
    character = np.full((patterns, slots, symbols), _NEVER, dtype=np.float32)
    character[:, 0, :] = symbol_lp[0] + allowed[:, 0, :]
    character_source = np.zeros((frames, patterns, slots, symbols), dtype=np.int8)
    character_previous = np.zeros_like(character_source)
    blank_source = np.zeros((frames, patterns, slots + 1), dtype=np.int8)
    blank_previous = np.zeros_like(blank_source)

    for frame in range(1, frames):
        from_character, previous = _best_other_symbol(character)
        from_blank = blank[:, :slots, np.newaxis]
        best = np.maximum(character, from_blank)
        source = np.where(character >= from_blank, _STAY, _FROM_BLANK)
        switch = from_character > best
        best = np.where(switch, from_character, best)
        character_source[frame] = np.where(switch, _FROM_CHARACTER, source)
        character_previous[frame] = previous
        character_next = best + symbol_lp[frame] + allowed

        finished = np.concatenate([np.full((patterns, 1), _NEVER, np.float32), character.max(axis=2)], axis=1)
        blank_source[frame] = finished > blank
        blank_previous[frame, :, 1:] = character.argmax(axis=2)
        blank = np.maximum(blank, finished) + blank_lp[frame]
        character = np.maximum(character_next, _NEVER)

    scores = np.maximum(blank[:, slots], character[:, slots - 1].max(axis=1))
    trellis = Trellis(
        character_source, character_previous, blank_source, blank_previous, blank[:, slots], character[:, slots - 1]
    )
    return scores, trellis


def _best_other_symbol(character: NDArray[np.float32]) -> tuple[NDArray[np.float32], NDArray[np.int8]]:
    """For slot k and symbol c: the best score of slot k-1 on a symbol other than c (and which symbol)."""
    first_index = character.argmax(axis=2)[:, :, np.newaxis]
    first = character.max(axis=2, keepdims=True)
    same = np.arange(character.shape[2])[np.newaxis, np.newaxis] == first_index
    without_first = np.where(same, _NEVER, character)
    second_index = without_first.argmax(axis=2)[:, :, np.newaxis]
    second = without_first.max(axis=2, keepdims=True)
    shifted = np.full_like(character, _NEVER)
    shifted[:, 1:] = np.where(same, second, first)[:, :-1]
    shifted_which = np.zeros(character.shape, dtype=np.int8)
    shifted_which[:, 1:] = np.where(same, second_index, first_index)[:, :-1]
    return shifted, shifted_which


def backtrace(lattice: Lattice, trellis: Trellis, pattern: int, score: float) -> Decoded:
    """The text of one pattern's best path, with each character's best frame probability."""
    slots = trellis.blank_source.shape[2] - 1
    in_blank = bool(trellis.blank_end[pattern] >= trellis.character_end[pattern].max())
    slot, symbol = (slots, 0) if in_blank else (slots - 1, int(trellis.character_end[pattern].argmax()))
    chosen = [0] * slots
    probabilities = [0.0] * slots
    for frame in range(len(lattice.log_probs) - 1, -1, -1):
        if in_blank:
            if frame > 0 and trellis.blank_source[frame, pattern, slot]:
                in_blank, slot = False, slot - 1
                symbol = int(trellis.blank_previous[frame, pattern, slot + 1])
            continue
        chosen[slot] = symbol
        probabilities[slot] = max(probabilities[slot], float(np.exp(lattice.log_probs[frame, symbol + 1])))
        source = int(trellis.character_source[frame, pattern, slot, symbol]) if frame > 0 else _STAY
        if source == _FROM_BLANK:
            in_blank = True
        elif source == _FROM_CHARACTER:
            symbol, slot = int(trellis.character_previous[frame, pattern, slot, symbol]), slot - 1
    text = "".join(ALPHABET[index] for index in chosen)
    return Decoded(text, tuple(probabilities), score)
