"""Luxembourg plates are yellow with the EU band, and their "AB 1234" is Dutch sidecode 1 in shape: the
band's sign decides, and without a legible sign the Dutch reading stands."""

from anpr_recognition.domain.reading import read_lattice, read_with_band, wants_band_sign, yellow_abroad

from .lattices import spelled


def test_a_luxembourg_plate_without_a_legible_sign_reads_dutch() -> None:
    reading = read_lattice(spelled(*"AB1234"), yellow=True, band_removed=True)
    assert reading is not None
    assert (reading.country, reading.sidecode, reading.formatted) == ("NL", 1, "AB-12-34")
    assert read_with_band(spelled(*"AB1234"), reading, True, None) == reading


def test_the_luxembourg_sign_reads_it_as_luxembourgish() -> None:
    lattice = spelled(*"AB1234")
    reading = read_lattice(lattice, yellow=True, band_removed=True)
    assert reading is not None
    assert wants_band_sign(reading)
    luxembourg = read_with_band(lattice, reading, True, "LU")
    assert (luxembourg.text, luxembourg.formatted, luxembourg.country) == ("AB1234", "AB 1234", "LU")
    assert (luxembourg.plate_format, luxembourg.sidecode) == ("LU:XX 9999", None)


def test_a_dutch_reading_stays_dutch_whatever_another_sign_says() -> None:
    lattice = spelled(*"AB1234")
    reading = read_lattice(lattice, yellow=True, band_removed=True)
    assert reading is not None
    assert read_with_band(lattice, reading, True, "BE") == reading
    assert read_with_band(lattice, reading, True, "NL") == reading


def test_only_dutch_shapes_a_yellow_foreign_plate_shares_read_their_sign() -> None:
    dutch = read_lattice(spelled(*"GBX12T"), yellow=True, band_removed=True)
    assert dutch is not None
    assert dutch.sidecode is not None
    assert not wants_band_sign(dutch)
    assert yellow_abroad("AB1234") == ("LU",)
    assert yellow_abroad("GB12XT") == ()
