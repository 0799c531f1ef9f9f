import dataclasses

import pytest

from anpr_recognition.domain.plates import (
    PlateReading,
    dutch_sidecode,
    format_dutch,
    guess_country,
    normalise,
    one_reading_per_plate,
)


@pytest.mark.parametrize(
    ("text", "sidecode", "formatted"),
    [
        ("AB1234", 1, "AB-12-34"),
        ("1234AB", 2, "12-34-AB"),
        ("12AB34", 3, "12-AB-34"),
        ("XSNB23", 5, "XS-NB-23"),
        ("24LBHT", 6, "24-LB-HT"),
        ("72VGX6", 7, "72-VGX-6"),
        ("3VFX39", 8, "3-VFX-39"),
        ("VD020P", 9, "VD-020-P"),
        ("K123BB", 10, "K-123-BB"),
        ("GBB12K", 11, "GBB-12-K"),
        ("N12BBB", 12, "N-12-BBB"),
        ("1NN123", 13, "1-NN-123"),
        ("123NN1", 14, "123-NN-1"),
    ],
)
def test_dutch_text_gets_its_sidecode_and_dashes(text: str, sidecode: int, formatted: str) -> None:
    assert dutch_sidecode(text) == sidecode
    assert format_dutch(text) == formatted
    assert guess_country(text) == "NL"


def test_old_sidecodes_may_hold_vowels() -> None:
    assert format_dutch("AE1234") == "AE-12-34"


@pytest.mark.parametrize("text", ["72VGA6", "XSNU23", "3EFX39"])
def test_vowels_rule_out_sidecode_4_and_later(text: str) -> None:
    assert dutch_sidecode(text) is None


@pytest.mark.parametrize("text", ["OB12BB", "AA12BB"])
def test_semi_trailer_and_royal_prefixes_keep_their_vowels(text: str) -> None:
    assert dutch_sidecode(text) == 4


@pytest.mark.parametrize("text", ["AC1234", "72VQX6", "CD12BB"])
def test_c_and_q_are_never_dutch(text: str) -> None:
    assert dutch_sidecode(text) is None


@pytest.mark.parametrize("text", ["CM852DJ", "BMW1234", "ABC123", "72VGX", "72VGX66"])
def test_foreign_text_is_not_forced_into_a_dutch_pattern(text: str) -> None:
    assert dutch_sidecode(text) is None
    assert format_dutch(text) is None
    assert guess_country(text) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("72-vgx-6", "72VGX6"),
        (" 72·VGX·6 ", "72VGX6"),
        ("\uff21\uff22\uff11\uff12", "AB12"),  # full-width forms, as in the OCR dictionary
        ("京A12345", "A12345"),  # non-Latin script is recogniser noise on a European plate
        ("M-ÜB 123", "MÜB123"),  # German district codes keep their umlaut
    ],
)
def test_normalise_keeps_upper_case_letters_and_digits(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_plate_reading_is_frozen() -> None:
    reading = PlateReading(text="72VGX6", formatted="72-VGX-6", country="NL", confidence=0.9, box=(1, 2, 3, 4))
    with pytest.raises(dataclasses.FrozenInstanceError):
        reading.text = "other"  # type: ignore[misc]


def _reading(text: str, box: tuple[int, int, int, int], confidence: float) -> PlateReading:
    return PlateReading(text, text, "NL", confidence, box)


def test_a_plate_boxed_twice_reads_once_the_surer_reading_kept() -> None:
    outer = _reading("72TBZ9", (100, 200, 300, 250), 0.91)
    inner = _reading("72TBZ9", (120, 205, 290, 245), 0.97)  # a box inside the plate's box
    other = _reading("VX123B", (500, 200, 700, 250), 0.88)

    assert one_reading_per_plate([outer, other, inner]) == [inner, other]


def test_the_same_text_apart_or_other_texts_in_one_place_all_stay() -> None:
    car = _reading("72TBZ9", (100, 200, 300, 250), 0.9)
    trailer = _reading("72TBZ9", (600, 220, 800, 270), 0.8)  # a second plate with that text, elsewhere
    misread = _reading("72TB29", (110, 205, 290, 245), 0.6)  # another reading of the same place

    assert one_reading_per_plate([trailer, misread, car]) == [car, misread, trailer]
