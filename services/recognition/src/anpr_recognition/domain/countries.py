"""Countries from the distinguishing sign on a plate's EU band (Vienna Convention codes -> ISO 3166)."""

from collections.abc import Sequence

# The signs of the EU and its neighbours whose plates carry the band; ambiguity-free at one or two letters.
BAND_SIGNS: dict[str, str] = {
    "A": "AT", "B": "BE", "BG": "BG", "CY": "CY", "CZ": "CZ", "D": "DE", "DK": "DK", "E": "ES", "EST": "EE",
    "F": "FR", "FIN": "FI", "GR": "GR", "H": "HU", "HR": "HR", "I": "IT", "IRL": "IE", "L": "LU", "LT": "LT",
    "LV": "LV", "M": "MT", "NL": "NL", "P": "PT", "PL": "PL", "RO": "RO", "S": "SE", "SK": "SK", "SLO": "SI",
    "UA": "UA", "UK": "GB", "GB": "GB", "CH": "CH", "N": "NO",
}  # fmt: skip
# Band letters are small: read with less conviction than this they are a guess we do not make.
MIN_SIGN_PROBABILITY = 0.9


def country_of_band(text: str, character_probabilities: Sequence[float]) -> str | None:
    if not text or min(character_probabilities, default=0.0) < MIN_SIGN_PROBABILITY:
        return None
    return BAND_SIGNS.get(text)
