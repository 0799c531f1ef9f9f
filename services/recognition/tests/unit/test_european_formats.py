import random

import pytest

from anpr_recognition.adapters.synthetic.european import EUROPEAN_COUNTRIES, european_text
from anpr_recognition.domain.european_formats import COUNTRIES, european_formats
from anpr_recognition.domain.format_decoding import BAND_LETTERS

REQUIRED = ("BE", "DE", "FR", "PL", "IT", "ES", "AT", "CZ", "SK", "HR", "RO", "GB", "LU", "DK", "CH")


def test_every_required_country_has_formats_and_a_band_sign() -> None:
    countries = {f.country for f in european_formats()}
    assert set(REQUIRED) <= countries
    assert set(COUNTRIES) == countries
    assert set(BAND_LETTERS) == countries
    assert set(EUROPEAN_COUNTRIES) == countries | {"NL"}


def test_every_format_has_4_to_8_slots_none_empty_and_a_unique_id() -> None:
    formats = european_formats()
    assert len({f.format_id for f in formats}) == len(formats)
    for plate_format in formats:
        assert 4 <= len(plate_format.slots) <= 8, plate_format
        assert all(plate_format.slots), plate_format


def test_letters_a_country_never_issues_are_not_allowed_where_digits_look_alike() -> None:
    french = next(f for f in european_formats() if f.format_id == "FR:XX-999-XX")
    assert not {"I", "O", "U"} & (french.slots[0] | french.slots[5])
    assert french.slots[2] == frozenset("0123456789")
    italian = next(f for f in european_formats() if f.country == "IT")
    assert not {"I", "O", "Q", "U"} & italian.slots[0]
    polish_serial = next(f for f in european_formats() if f.format_id == "PL:LL 9999X").slots[6]
    assert not {"B", "D", "I", "O", "Z"} & polish_serial


def test_format_text_puts_the_separators_back() -> None:
    german = next(f for f in european_formats() if f.format_id == "DE:LL XX N99")
    assert german.format_text("HHAB123") == "HH AB 123"


@pytest.mark.parametrize("country", EUROPEAN_COUNTRIES)
def test_rendered_texts_fit_their_own_country(country: str) -> None:
    rng = random.Random(country)
    for _ in range(20):
        text, printed = european_text(country, rng)
        assert printed.replace("-", "").replace(" ", "") == text
        if country != "NL":
            assert any(
                f.country == country
                and len(f.slots) == len(text)
                and all(ch in slot for ch, slot in zip(text, f.slots, strict=True))
                for f in european_formats()
            ), text
