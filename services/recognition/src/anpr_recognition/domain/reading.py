"""One plate's text from its CTC lattice: the best Dutch reading (decoded under the sidecode grammar) when
its path is nearly as likely as the unconstrained one, else the unconstrained text, not called Dutch.

The price of the grammar is the log-probability gap between the best Dutch path and the best free path
(0 when the free reading is already a valid Dutch plate). Turning a 1 into a J costs a little; deleting a
confident character or replacing a clear C costs a lot, so a foreign 7-character plate stays foreign. A
yellow plate is Dutch a priori and may pay more than a plate of another colour."""

from dataclasses import dataclass, replace

from anpr_recognition.domain.constrained import backtrace, pattern_scores
from anpr_recognition.domain.ctc import Decoded, Lattice, greedy_decode
from anpr_recognition.domain.dutch_patterns import dutch_patterns
from anpr_recognition.domain.plates import format_dutch

# Log-probability the grammar may cost. Settling confusions (O/0, I/1, B/8, a vowel where none is issued)
# costs 0.5-2 a character. Adding or dropping one costs 3-5 when the recogniser was sure of it, less when
# it was not. Off yellow (white foreign plates; blue or green Dutch ones are rare) only confusions may be
# settled; a yellow plate, Dutch unless it is one of the few yellow foreign ones, may also lose or gain a
# character the recogniser doubted (a smudge, a band letter the colour test missed), never a clear one.
MAX_GRAMMAR_COST_YELLOW = 6.0
MAX_GRAMMAR_COST_OTHER = 1.5
MAX_LENGTH_CHANGE_COST_YELLOW = 2.5
MIN_CHARACTERS = 4
MAX_CHARACTERS = 10

# A few foreign formats are distinctive enough to name a country from the text alone.
_FOREIGN_SHAPES = {"9XXX999": "BE"}


@dataclass(frozen=True)
class TextReading:
    text: str
    formatted: str
    country: str | None
    sidecode: int | None
    character_probabilities: tuple[float, ...]
    grammar_cost: float  # log-probability given up for the grammar; 0 for non-Dutch readings

    @property
    def min_character_probability(self) -> float:
        return min(self.character_probabilities, default=0.0)


def read_lattice(lattice: Lattice, yellow: bool) -> TextReading | None:
    free = greedy_decode(lattice)
    dutch, sidecode = best_dutch(lattice)
    if dutch is not None and sidecode is not None and free.path_score - dutch.path_score <= _limit(free, dutch, yellow):
        formatted = format_dutch(dutch.text)
        if formatted is not None:
            cost = max(0.0, free.path_score - dutch.path_score)
            return TextReading(dutch.text, formatted, "NL", sidecode, dutch.character_probabilities, cost)
    if not MIN_CHARACTERS <= len(free.text) <= MAX_CHARACTERS:
        return None
    return TextReading(free.text, free.text, _foreign_country(free.text), None, free.character_probabilities, 0.0)


def named_by_band(reading: TextReading, band_country: str | None) -> TextReading:
    """The country the EU band's sign names, for a reading the grammar did not claim (a Dutch sign on
    such a reading says "NL, misread or unusual plate"); a Dutch reading stays Dutch whatever the sign."""
    if reading.sidecode is not None or band_country is None:
        return reading
    return replace(reading, country=band_country)


def _limit(free: Decoded, dutch: Decoded, yellow: bool) -> float:
    if len(free.text) == len(dutch.text):
        return MAX_GRAMMAR_COST_YELLOW if yellow else MAX_GRAMMAR_COST_OTHER
    return MAX_LENGTH_CHANGE_COST_YELLOW if yellow else -1.0


def best_dutch(lattice: Lattice) -> tuple[Decoded | None, int | None]:
    patterns, masks = dutch_patterns()
    if len(lattice.log_probs) < masks.shape[1]:
        return None, None
    scores, trellis = pattern_scores(lattice, masks)
    best = int(scores.argmax())
    if scores[best] <= -1e8:
        return None, None
    return backtrace(lattice, trellis, best, float(scores[best])), patterns[best].sidecode


def _foreign_country(text: str) -> str | None:
    shape = "".join("9" if ch.isdigit() else "X" for ch in text)
    return _FOREIGN_SHAPES.get(shape)
