"""Decoding in the European formats: the failure classes seen on real foreign plates, each on a
hand-made lattice (tests/unit/lattices.py) that reproduces it."""

from anpr_recognition.domain.calibration import raw_score
from anpr_recognition.domain.ctc import greedy_decode
from anpr_recognition.domain.reading import read_lattice, read_with_band

from .lattices import lattice, spelled


def test_a_clear_french_plate_reads_with_its_format() -> None:
    # A Q: Italy never issues it, so only the French format fits.
    reading = read_lattice(spelled(*"AB123QD"), yellow=False)
    assert reading is not None
    assert (reading.text, reading.formatted, reading.country) == ("AB123QD", "AB-123-QD", "FR")
    assert (reading.plate_format, reading.grammar_cost, reading.sidecode) == ("FR:XX-999-XX", 0.0, None)


def test_a_digit_read_as_a_letter_is_settled_by_position() -> None:
    # AB-1?3-CD with the middle digit read as I (I/1) and the next as Z (Z/2): only digits fit there.
    reading = read_lattice(spelled("A", "B", {"I": 0.6, "1": 0.4}, {"Z": 0.55, "2": 0.45}, "3", "Q", "D"), False)
    assert reading is not None
    assert (reading.text, reading.country) == ("AB123QD", "FR")
    assert reading.grammar_cost > 0


def test_a_letter_read_as_a_digit_is_settled_by_position() -> None:
    # Italian GB 123 SS with the S read as 5 and the B as 8: the last two slots and the first two are letters.
    reading = read_lattice(
        spelled("G", {"8": 0.6, "B": 0.4}, *"123", "S", {"5": 0.6, "S": 0.4}), yellow=False, country="IT"
    )
    assert reading is not None
    assert (reading.text, reading.country, reading.plate_format) == ("GB123SS", "IT", "IT:XX 999XX")


def test_the_band_sign_read_before_the_plate_is_left_out() -> None:
    # At night the band is not painted over: its F reads as a character before AB-123-CD.
    reading = read_lattice(spelled(*"FAB123QD"), yellow=False, band_removed=False)
    assert reading is not None
    assert (reading.text, reading.country) == ("AB123QD", "FR")


def test_no_sign_is_left_out_where_the_band_was_painted_over() -> None:
    reading = read_lattice(spelled(*"FAB123CD"), yellow=False, band_removed=True)
    assert reading is not None
    assert reading.text.startswith("F")


def test_a_plain_reading_wins_a_tie_with_a_band_reading() -> None:
    # AB-123-CD could be an A band sign before B-123-CD (an Austrian shape): a real character is kept.
    reading = read_lattice(spelled(*"AB123CD"), yellow=False)
    assert reading is not None
    assert reading.text == "AB123CD"


def test_a_text_several_countries_allow_is_named_by_the_commoner_country_then_fewer_shapes() -> None:
    # No band. AB-123-CD: France (common here) before Italy; AB12-CDE: Britain before Romania. HHA C123 is
    # German (23 shapes), Polish (16) and Austrian (44): Poland; HHA B123 is no Polish plate (no B in a
    # Polish serial): Germany.
    cases = (("AB123CD", "FR"), ("AB12CDE", "GB"), ("HHAC123", "PL"), ("HHAB123", "DE"))
    for text, country in cases:
        reading = read_lattice(spelled(*text), yellow=False)
        assert reading is not None
        assert (reading.text, reading.country) == (text, country)


def test_a_doubtful_stray_character_before_the_plate_is_dropped() -> None:
    reading = read_lattice(spelled({"1": 0.5, "_": 0.5}, *"AB123QD"), yellow=False)
    assert reading is not None
    assert (reading.text, reading.country) == ("AB123QD", "FR")


def test_a_clear_character_is_never_dropped_to_fit_a_format() -> None:
    reading = read_lattice(spelled(*"QAB123CD"), yellow=False, band_removed=True)
    assert reading is not None
    assert reading.text == "QAB123CD"
    assert reading.plate_format is None


def test_free_decoding_collapses_a_character_running_on_through_a_doubtful_blank() -> None:
    stroke = lattice([{"_": 0.99}, {"K": 0.9}, {"_": 0.6, "K": 0.35}, {"K": 0.9}, {"_": 0.99}])
    assert greedy_decode(stroke).text == "K"
    double = lattice([{"_": 0.99}, {"K": 0.9}, {"_": 0.97}, {"K": 0.9}, {"_": 0.99}])
    assert greedy_decode(double).text == "KK"


def test_the_band_country_restricts_the_formats() -> None:
    # 1ABC123 is Belgian by shape; with a Czech sign the Czech format NXA 9999 is the one that fits.
    lattice_ = spelled(*"1ABC123")
    first = read_lattice(lattice_, yellow=False)
    assert first is not None
    assert first.country == "BE"
    czech = read_with_band(spelled("1", "A", "B", {"C": 0.6, "0": 0.4}, *"123"), first, False, "CZ")
    assert (czech.text, czech.country, czech.plate_format) == ("1AB0123", "CZ", "CZ:NXA 9999")


def test_a_band_country_without_formats_names_the_free_reading() -> None:
    first = read_lattice(spelled(*"ABC123XYZ"), yellow=False)
    assert first is not None
    named = read_with_band(spelled(*"ABC123XYZ"), first, False, "SE")
    assert (named.country, named.plate_format) == ("SE", None)


def test_a_free_reading_never_scores_above_a_format_reading_on_the_same_evidence() -> None:
    for yellow in (False, True):
        free = raw_score(0.9, 0.8, 0.0, dutch=False, yellow=yellow)
        in_format = raw_score(0.9, 0.8, 0.0, dutch=False, yellow=yellow, in_format=True)
        dutch = raw_score(0.9, 0.8, 0.0, dutch=True, yellow=yellow)
        assert free < in_format < dutch
