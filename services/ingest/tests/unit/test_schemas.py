import pytest
from pydantic import ValidationError

from anpr_contracts import Direction
from anpr_ingest.domain.model import Location
from anpr_ingest.entrypoints.schemas import LocationIn, LocationPatch


def test_location_round_trips_every_field() -> None:
    body = LocationIn.model_validate(
        {
            "location_id": "loc-gate",
            "name": "Poort",
            "regimes": ["access-centrum"],
            "zone_id": "centrum",
            "direction": "exit",
            "sign": "C7",
            "consent_reference": "OM-CVOM-2026-17",
        }
    )

    location = body.to_location()

    assert location == Location(
        "loc-gate", "Poort", ("access-centrum",), "centrum", Direction.EXIT, "C7", "OM-CVOM-2026-17"
    )
    assert LocationIn.of(location) == body


def test_location_without_the_new_fields_is_what_it_was() -> None:
    location = LocationIn(location_id="loc-a", name="A", regimes=["milieuzone-centrum"]).to_location()

    assert location == Location("loc-a", "A", ("milieuzone-centrum",))


@pytest.mark.parametrize(
    "extra",
    [
        {"direction": "entry"},  # a direction is entry or exit of a zone
        {"zone_id": "centrum", "direction": "north"},
        {"sign": "no entry"},
        {"sign": "C"},
        {"consent_reference": ""},
    ],
)
def test_location_with_a_bad_field_is_refused(extra: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        LocationIn.model_validate({"location_id": "loc-a", "name": "A", "regimes": [], **extra})


def test_patch_changes_only_the_fields_sent_and_null_clears() -> None:
    assert LocationPatch.model_validate({"sign": None}).changes() == {"sign": None}
    assert LocationPatch.model_validate({"regimes": ["a", "b"], "consent_reference": "OM-3"}).changes() == {
        "regimes": ("a", "b"),
        "consent_reference": "OM-3",
    }
    assert LocationPatch.model_validate({}).changes() == {}


@pytest.mark.parametrize("body", [{"regimes": None}, {"zone_id": "west"}, {"direction": "entry"}, {"name": "B"}])
def test_patch_refuses_null_regimes_and_fields_that_cannot_change(body: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        LocationPatch.model_validate(body)
