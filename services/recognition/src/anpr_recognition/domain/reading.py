"""One plate's text from its CTC lattice: the best Dutch reading (decoded under the sidecode grammar) when
its path is nearly as likely as the unconstrained one, else the best reading in a European format (of the
country the band names, when it was legible), else the unconstrained text, not called Dutch.

The price of the grammar is the log-probability gap between the best Dutch path and the best free path
(0 when the free reading is already a valid Dutch plate). Turning a 1 into a J costs a little; deleting a
confident character or replacing a clear C costs a lot, so a foreign 7-character plate stays foreign. A
yellow plate is Dutch a priori and may pay more than a plate of another colour. A foreign format may
settle confusions, and drop or add a character the recogniser doubted (a repeat, a stray mark before the
plate); with the country known from the band it may settle a little more, as only its formats compete."""

from dataclasses import dataclass, replace

from anpr_recognition.domain.constrained import backtrace, pattern_scores
from anpr_recognition.domain.ctc import Decoded, Lattice, greedy_decode
from anpr_recognition.domain.dutch_patterns import dutch_patterns
from anpr_recognition.domain.european_formats import COUNTRIES, european_formats
from anpr_recognition.domain.format_decoding import FormatMatch, best_format
from anpr_recognition.domain.plates import DUTCH_SIDECODES, format_dutch

# Log-probability the grammar may cost. Settling confusions (O/0, I/1, B/8, a vowel where none is issued)
# costs 0.5-2 a character. Adding or dropping one costs 3-5 when the recogniser was sure of it, less when
# it was not. Off yellow (white foreign plates; blue or green Dutch ones are rare) only confusions may be
# settled; a yellow plate, Dutch unless it is one of the few yellow foreign ones, may also lose or gain a
# character the recogniser doubted (a smudge, a band letter the colour test missed), never a clear one.
MAX_GRAMMAR_COST_YELLOW = 6.0
MAX_GRAMMAR_COST_OTHER = 1.5
MAX_LENGTH_CHANGE_COST_YELLOW = 2.5
MAX_FORMAT_COST = 1.5
MAX_FORMAT_COST_BAND = 3.0  # the band named the country: one set of formats, less to confuse
MAX_FORMAT_LENGTH_CHANGE_COST = 2.5
MIN_CHARACTERS = 4
MAX_CHARACTERS = 10

# A few foreign formats are distinctive enough to name a country from the text alone.
_FOREIGN_SHAPES = {"9XXX999": "BE"}
# Foreign plates that are yellow like Dutch ones and carry the EU band: Luxembourg's, whose current
# "AB 1234" is Dutch sidecode 1 ("AB-12-34") in shape, colour and size; only the band's sign (L, not
# NL) tells them apart. Britain's yellow rear plates are left out: the GB shapes a Dutch sidecode shares
# (A12 BCD, ABC 12D) are pre-2001 series, which carry no band, and sidecode 11 is among the commonest
# here, so every such plate would pay a sign read for nothing.
YELLOW_ABROAD = ("LU",)


@dataclass(frozen=True)
class TextReading:
    text: str
    formatted: str
    country: str | None
    sidecode: int | None
    character_probabilities: tuple[float, ...]
    grammar_cost: float  # log-probability given up for the grammar or format; 0 for free readings
    plate_format: str | None = None  # "NL:99-XXX-9", "FR:XX-999-XX"; None for a free reading

    @property
    def min_character_probability(self) -> float:
        return min(self.character_probabilities, default=0.0)


def read_lattice(
    lattice: Lattice, yellow: bool, band_removed: bool = False, country: str | None = None
) -> TextReading | None:
    """`country`: the band's sign was legible and names it; only its formats (and no Dutch grammar unless
    it is NL) are tried. `band_removed`: the crop's band was painted over, so no sign precedes the plate."""
    free = greedy_decode(lattice)
    if country in (None, "NL"):
        dutch, sidecode = best_dutch(lattice)
        if (
            dutch is not None
            and sidecode is not None
            and free.path_score - dutch.path_score <= _limit(free, dutch, yellow)
        ):
            formatted = format_dutch(dutch.text)
            if formatted is not None:
                cost = max(0.0, free.path_score - dutch.path_score)
                plate_format = f"NL:{DUTCH_SIDECODES[sidecode]}"
                return TextReading(
                    dutch.text, formatted, "NL", sidecode, dutch.character_probabilities, cost, plate_format
                )
    countries = COUNTRIES if country is None else (country,) if country in COUNTRIES else ()
    match = best_format(lattice, countries, not band_removed, near=free.text) if countries else None
    if match is not None and free.path_score - match.decoded.path_score <= _format_limit(free, match, country):
        cost = max(0.0, free.path_score - match.decoded.path_score)
        plate = match.decoded
        formatted = match.plate_format.format_text(plate.text)
        return TextReading(
            plate.text,
            formatted,
            match.plate_format.country,
            None,
            plate.character_probabilities,
            cost,
            match.plate_format.format_id,
        )
    if not MIN_CHARACTERS <= len(free.text) <= MAX_CHARACTERS:
        return None
    named = country or _foreign_country(free.text)
    return TextReading(free.text, free.text, named, None, free.character_probabilities, 0.0)


def named_by_band(reading: TextReading, band_country: str | None) -> TextReading:
    """The country the EU band's sign names, for a reading the grammar did not claim (a Dutch sign on
    such a reading says "NL, misread or unusual plate"); a Dutch reading stays Dutch whatever the sign."""
    if reading.sidecode is not None or band_country is None:
        return reading
    return replace(reading, country=band_country)


def wants_band_sign(reading: TextReading) -> bool:
    """Whether the band's sign may change the reading: one the grammar did not claim, or a Dutch one whose
    text a yellow foreign plate may carry as well. Other Dutch readings never read their sign (it costs a
    recogniser run, and a Dutch reading stays Dutch whatever it says)."""
    return reading.sidecode is None or bool(yellow_abroad(reading.text))


def yellow_abroad(text: str) -> tuple[str, ...]:
    """The countries of YELLOW_ABROAD with a format the text fits exactly."""
    return _fitting_countries(text, YELLOW_ABROAD)


def read_with_band(lattice: Lattice, reading: TextReading, yellow: bool, band_country: str | None) -> TextReading:
    """A reading the grammar did not claim, read again within the formats of the country its band's
    sign names. A Dutch reading stays Dutch, unless its text also fits a yellow foreign plate and the
    sign legibly names that country (a Luxembourg plate read as sidecode 1): without a legible sign the
    Dutch reading stands, as most traffic here is Dutch."""
    if band_country is None:
        return reading
    if reading.sidecode is not None:
        if band_country not in yellow_abroad(reading.text):
            return reading
        again = read_lattice(lattice, yellow, band_removed=True, country=band_country)
        return again if again is not None and again.plate_format is not None else reading
    again = read_lattice(lattice, yellow, band_removed=True, country=band_country)
    return again if again is not None else replace(reading, country=band_country)


def _fitting_countries(text: str, countries: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(
        country
        for country in countries
        if any(
            len(f.slots) == len(text) and all(ch in slot for ch, slot in zip(text, f.slots, strict=True))
            for f in european_formats()
            if f.country == country
        )
    )


def _limit(free: Decoded, dutch: Decoded, yellow: bool) -> float:
    if len(free.text) == len(dutch.text):
        return MAX_GRAMMAR_COST_YELLOW if yellow else MAX_GRAMMAR_COST_OTHER
    return MAX_LENGTH_CHANGE_COST_YELLOW if yellow else -1.0


def _format_limit(free: Decoded, match: FormatMatch, country: str | None) -> float:
    if len(free.text) == len(match.band) + len(match.decoded.text):
        return MAX_FORMAT_COST if country is None else MAX_FORMAT_COST_BAND
    return MAX_FORMAT_LENGTH_CHANGE_COST


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
