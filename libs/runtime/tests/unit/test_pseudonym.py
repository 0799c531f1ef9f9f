import hashlib
import hmac

from anpr_runtime.pseudonym import vehicle_key


def test_same_plate_and_key_give_the_same_key() -> None:
    assert vehicle_key("72VGX6", "k1") == vehicle_key("72VGX6", "k1")


def test_key_is_keyed() -> None:
    assert vehicle_key("72VGX6", "k1") != vehicle_key("72VGX6", "k2")


def test_different_plates_give_different_keys() -> None:
    assert vehicle_key("72VGX6", "k1") != vehicle_key("72VGX7", "k1")


def test_case_does_not_matter() -> None:
    assert vehicle_key("72vgx6", "k1") == vehicle_key("72VGX6", "k1")


def test_key_is_hex_without_the_plate() -> None:
    key = vehicle_key("72VGX6", "k1")

    assert len(key) == 32
    assert int(key, 16) >= 0
    assert "72VGX6" not in key.upper()


def test_key_is_a_truncated_hmac_sha256() -> None:
    # The exemption index of rules holds keys made by the exemptions service: the recipe may not drift.
    expected = hmac.new(b"k1", b"72VGX6", hashlib.sha256).hexdigest()[:32]

    assert vehicle_key("72vgx6", "k1") == expected


def test_it_is_hmac_sha256_of_the_upper_case_plate_however_often_a_key_is_used() -> None:
    # The keyed HMAC is made once per key and copied per plate: every use must still be a fresh HMAC.
    for key in ("k1", "k2", "k1"):
        for plate in ("72vgx6", "GH123K", "72VGX6"):
            expected = hmac.new(key.encode(), plate.upper().encode(), hashlib.sha256).hexdigest()[:32]
            assert vehicle_key(plate, key) == expected
