import pytest

from anpr_recognition.domain.ctc import greedy_decode
from anpr_recognition.domain.dutch_patterns import dutch_patterns
from anpr_recognition.domain.plates import DUTCH_SIDECODES, dutch_sidecode
from anpr_recognition.domain.reading import read_lattice

from .lattices import spelled

EXAMPLES = {
    1: "AB1234", 2: "1234AB", 3: "12AB34", 4: "BB12BB", 5: "XSNB23", 6: "24LBHT", 7: "72VGX6",
    8: "3VFX39", 9: "VD020P", 10: "K123BB", 11: "GBB12K", 12: "N12BBB", 13: "1NN123", 14: "123NN1",
}  # fmt: skip


def test_every_sidecode_has_a_pattern_and_masks_never_allow_c_or_q() -> None:
    patterns, masks = dutch_patterns()
    assert {p.sidecode for p in patterns} == set(DUTCH_SIDECODES)
    for pattern in patterns:
        assert all(not {"C", "Q"} & slot for slot in pattern.slots)
        if pattern.sidecode >= 4:
            vowels_anywhere = [slot & set("AEIOU") for slot in pattern.slots]
            assert all(not v or v in ({"O"}, {"A"}) for v in vowels_anywhere), pattern
    assert masks.shape == (len(patterns), 6, 36)


@pytest.mark.parametrize(("sidecode", "text"), sorted(EXAMPLES.items()))
def test_a_clear_plate_of_every_sidecode_reads_as_itself(sidecode: int, text: str) -> None:
    reading = read_lattice(spelled(*text), yellow=True)
    assert reading is not None
    assert (reading.text, reading.sidecode, reading.country, reading.grammar_cost) == (text, sidecode, "NL", 0.0)
    assert reading.formatted.replace("-", "") == text
    assert dutch_sidecode(reading.text) == sidecode


def test_grammar_settles_look_alike_characters() -> None:
    # 7?-VGX-6 with the second digit read as the letter O: only a digit is Dutch there.
    reading = read_lattice(spelled("7", {"O": 0.6, "2": 0.4}, "V", "G", "X", "6"), yellow=True)
    assert reading is not None
    assert (reading.text, reading.formatted, reading.country) == ("72VGX6", "72-VGX-6", "NL")
    assert reading.grammar_cost > 0


def test_a_doubtful_extra_character_on_a_yellow_plate_is_dropped() -> None:
    # An EU band letter the colour test missed, read with little conviction before the plate.
    reading = read_lattice(spelled({"L": 0.5, "_": 0.5}, *"72VGX6"), yellow=True)
    assert reading is not None
    assert reading.text == "72VGX6"


def test_vowels_are_decoded_away_from_sidecode_4_on() -> None:
    # 72-VGA-6 is no plate (a vowel in sidecode 7); the grammar takes the runner-up letter.
    reading = read_lattice(spelled("7", "2", "V", "G", {"A": 0.6, "X": 0.35}, "6"), yellow=True)
    assert reading is not None
    assert reading.text == "72VGX6"


def test_a_repeated_letter_survives_constrained_decoding() -> None:
    reading = read_lattice(spelled("9", "8", {"1": 0.5, "J": 0.4}, {"1": 0.5, "J": 0.4}, "G", "B"), yellow=True)
    assert reading is not None
    assert reading.text in {"98JJGB", "9811GB"}
    assert dutch_sidecode(reading.text) is not None


def test_a_clear_foreign_plate_is_never_forced_into_a_dutch_pattern() -> None:
    for colour in (True, False):
        reading = read_lattice(spelled(*"CM852DJ"), yellow=colour)
        assert reading is not None
        assert (reading.text, reading.sidecode) == ("CM852DJ", None)
        assert reading.country != "NL"


def test_a_white_plate_does_not_lose_a_weak_character_to_become_dutch() -> None:
    # NWMMX45 less its first letter would be sidecode 5; off yellow the grammar may not drop characters.
    reading = read_lattice(spelled({"N": 0.7, "_": 0.3}, *"WMMX45"), yellow=False)
    assert reading is not None
    assert reading.text == "NWMMX45"
    assert reading.country != "NL"


def test_a_belgian_shape_is_named() -> None:
    reading = read_lattice(spelled(*"1CMV331"), yellow=False)
    assert reading is not None
    assert reading.country == "BE"


def test_too_short_a_reading_is_no_plate() -> None:
    assert read_lattice(spelled(*"AB1"), yellow=False) is None


def test_greedy_decoding_collapses_repeats_and_blanks() -> None:
    decoded = greedy_decode(spelled(*"AABB"))
    assert decoded.text == "AABB"
    assert len(decoded.character_probabilities) == 4
