import pytest

from anpr_recognition.domain.countries import country_of_band
from anpr_recognition.domain.reading import named_by_band, read_lattice

from .lattices import spelled


@pytest.mark.parametrize(("sign", "country"), [("NL", "NL"), ("B", "BE"), ("D", "DE"), ("PL", "PL"), ("A", "AT")])
def test_a_clear_band_sign_names_its_country(sign: str, country: str) -> None:
    assert country_of_band(sign, [0.97] * len(sign)) == country


@pytest.mark.parametrize(("sign", "probabilities"), [("B", [0.6]), ("XQ", [0.99, 0.99]), ("", [])])
def test_a_doubtful_or_unknown_sign_names_none(sign: str, probabilities: list[float]) -> None:
    assert country_of_band(sign, probabilities) is None


def test_the_band_names_a_foreign_reading_but_never_overrules_the_dutch_grammar() -> None:
    foreign = read_lattice(spelled(*"CM852DJ"), yellow=False)
    dutch = read_lattice(spelled(*"72VGX6"), yellow=True)
    assert foreign is not None
    assert dutch is not None
    assert named_by_band(foreign, "IT").country == "IT"
    assert named_by_band(foreign, None).country == foreign.country
    assert named_by_band(dutch, "BE").country == "NL"
