"""The reviewer's vehicle description: the plate normalised as the registry keys it, a malformed plate
refused before any lookup, an unregistered one reported as such, and neither error repeating the plate."""

import pytest

from anpr_rules.domain.vehicle import VehicleDescription, registry_plate
from anpr_rules.handlers import describe_vehicle
from anpr_runtime import NotFound, PermanentError

GOLF = VehicleDescription("63HKHD", "VOLKSWAGEN", "GOLF", "GRIJS")


class FakeDescriptions:
    def __init__(self, *known: VehicleDescription) -> None:
        self.known = {d.plate: d for d in known}
        self.asked: list[str] = []

    async def describe(self, plate: str) -> VehicleDescription | None:
        self.asked.append(plate)
        return self.known.get(plate)


@pytest.mark.parametrize("text", ["63HKHD", "63-hk-hd", " 63 HK HD ", "63-HK-HD"])
async def test_a_plate_is_looked_up_as_the_registry_keys_it(text: str) -> None:
    registry = FakeDescriptions(GOLF)

    assert await describe_vehicle(text, registry) == GOLF
    assert registry.asked == ["63HKHD"]


@pytest.mark.parametrize(
    "text",
    ["", "   ", "--", "A" * 17, "'; DROP TABLE rules.vehicles; --", "63HKHD' OR '1'='1", "É12345",
     "\uff16\uff13\uff28\uff2bHD", "63HK\x00HD", "63HK\nHD", "%", "63_HKHD"],  # fullwidth look-alikes, NUL
)  # fmt: skip
async def test_what_cannot_be_a_plate_is_refused_without_a_lookup(text: str) -> None:
    registry = FakeDescriptions(GOLF)

    with pytest.raises(PermanentError) as refused:
        await describe_vehicle(text, registry)

    assert not isinstance(refused.value, NotFound)
    assert refused.value.status_code == 422
    assert registry.asked == []
    assert text.strip() == "" or text not in str(refused.value)


async def test_a_plate_not_in_the_registry_is_not_found_and_not_repeated() -> None:
    with pytest.raises(NotFound) as missing:
        await describe_vehicle("XX-999-X", FakeDescriptions(GOLF))

    assert missing.value.status_code == 404
    assert "XX999X" not in str(missing.value)
    assert "XX-999-X" not in str(missing.value)


def test_registry_plate_limits() -> None:
    assert registry_plate("A" * 16) == "A" * 16
    assert registry_plate("A" * 17) is None
    assert registry_plate("ab-12-cd") == "AB12CD"
