import pytest
from pydantic import ValidationError

from anpr_ingest.domain.plates import implausible_plate, normalise_plate
from anpr_ingest.entrypoints.schemas import ReadIn


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


@pytest.mark.parametrize(
    ("plate", "country"),
    [
        ("72VGX6", "NL"),  # sidecode 7
        ("ZDPB67", "nl"),
        ("1KBB12", "NLD"),  # sidecode 8
        ("GH123K", None),
        ("A1", "GB"),  # a cherished plate: two characters
        ("BA1234", "DE"),
        ("1234ABC75", "FR"),  # the old French series: nine characters
        ("830265", None),
        ("HELLO", "SE"),  # Swedish personalised plates may be letters only
        ("EJLESSIE", "US"),
    ],
)
def test_plates_that_can_be_real_pass(plate: str, country: str | None) -> None:
    assert implausible_plate(plate, country) is None


@pytest.mark.parametrize(
    ("plate", "country", "reason"),
    [
        ("W", None, "2 to 10 letters and digits, this one 1"),
        ("0", "NL", "2 to 10 letters and digits, this one 1"),
        ("ONI", None, "letters only is not issued for a read without a country"),
        ("ONI", "DE", "letters only is not issued for country DE"),
        ("ABCDEFGHIJK1", None, "this one 12"),
        ("72VGX", "NL", "no Dutch sidecode has the shape 99XXX"),
        ("BAB1234", "NL", "no Dutch sidecode has the shape XXX9999"),  # a German plate said to be Dutch
    ],
)
def test_implausible_plates_are_refused_with_the_reason(plate: str, country: str | None, reason: str) -> None:
    found = implausible_plate(plate, country)

    assert found is not None
    assert reason in found


@pytest.mark.parametrize(("plate", "country"), [("W", None), ("0", None), ("ONI", None), ("BAB1234", "NL")])
def test_a_read_with_an_implausible_plate_is_refused_naming_the_plate_field_s_problem(
    plate: str, country: str | None
) -> None:
    read = {"source": "camera", "observed_at": "2026-01-01T00:00:00Z", "plate": plate, "country": country}

    with pytest.raises(ValidationError) as refused:
        ReadIn.model_validate(read)

    assert "plate" in str(refused.value)
