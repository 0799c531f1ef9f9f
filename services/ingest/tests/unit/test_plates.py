import pytest

from anpr_ingest.domain.plates import normalise_plate


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("72-vgx-6", "72VGX6"),
        ("72VGX6", "72VGX6"),
        (" 72 vgx 6 ", "72VGX6"),
        ("72.VGX.6", "72VGX6"),
        ("72·VGX·6", "72VGX6"),
        ("ab-12-cd", "AB12CD"),
        ("\t12-ABC-3\n", "12ABC3"),
    ],
)
def test_normalise_plate(raw: str, expected: str) -> None:
    assert normalise_plate(raw) == expected


def test_other_characters_are_left_for_the_contract_to_refuse() -> None:
    assert normalise_plate("72/VGX_6") == "72/VGX_6"
