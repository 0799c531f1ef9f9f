from dataclasses import replace
from datetime import timedelta

import pytest

from anpr_ingest.domain.model import CameraNotPlaced, Placement
from anpr_ingest.handlers import (
    ReadPorts,
    accept_frame,
    accept_read,
    amend_location,
    end_placement,
    place_camera,
    placement_history,
)
from anpr_runtime import Conflict, NotFound, PermanentError
from anpr_runtime.publisher import FakeEventPublisher

from .fakes import FakeIngestRepository
from .scenario import DIKE, KEY, LIMITS, MONDAY, NORTH, SATURDAY, THURSDAY, a_frame, a_read

FRIDAY = THURSDAY + timedelta(days=1)


# place_camera


async def test_appending_a_placement_closes_the_previous_one(placed: FakeIngestRepository) -> None:
    history = await placed.placements_of("cam-rot")

    assert history == [
        Placement("cam-rot", "loc-north", MONDAY, THURSDAY),
        Placement("cam-rot", "loc-south", THURSDAY, None),
    ]


async def test_placement_before_the_last_one_is_a_conflict_and_changes_nothing(
    placed: FakeIngestRepository,
) -> None:
    before = await placed.placements_of("cam-rot")

    with pytest.raises(Conflict, match="after the last one"):
        await place_camera(Placement("cam-rot", "loc-north", THURSDAY - timedelta(hours=1), None), placed)
    with pytest.raises(Conflict):
        await place_camera(Placement("cam-rot", "loc-north", THURSDAY, None), placed)

    assert await placed.placements_of("cam-rot") == before


async def test_placing_an_unknown_camera_or_at_an_unknown_location_is_not_found(
    placed: FakeIngestRepository,
) -> None:
    with pytest.raises(NotFound, match="cam-ghost"):
        await place_camera(Placement("cam-ghost", "loc-north", SATURDAY, None), placed)
    with pytest.raises(NotFound, match="loc-nowhere"):
        await place_camera(Placement("cam-rot", "loc-nowhere", SATURDAY, None), placed)

    assert len(await placed.placements_of("cam-rot")) == 2


async def test_placements_of_one_camera_leave_other_cameras_alone(placed: FakeIngestRepository) -> None:
    await place_camera(Placement("cam-idle", "loc-north", SATURDAY, None), placed)

    assert (await placed.placements_of("cam-rot"))[-1].valid_until is None
    assert await placed.placements_of("cam-idle") == [Placement("cam-idle", "loc-north", SATURDAY, None)]


# end_placement: a camera taken down stands nowhere until it is placed again


async def test_ending_the_open_placement_leaves_the_camera_unplaced_from_then_on(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    ended = await end_placement("cam-rot", FRIDAY, placed)
    ports = ReadPorts(placed, publisher, KEY)

    assert ended == Placement("cam-rot", "loc-south", THURSDAY, FRIDAY)
    assert (await placed.placements_of("cam-rot"))[-1] == ended
    assert (await accept_read(a_read(observed_at=FRIDAY - timedelta(seconds=1)), ports)).location_id
    with pytest.raises(CameraNotPlaced, match="cam-rot"):
        await accept_read(a_read(observed_at=FRIDAY), ports)
    with pytest.raises(CameraNotPlaced, match="cam-rot"):
        await accept_frame(a_frame(FRIDAY + timedelta(hours=1)), placed, publisher, LIMITS, SATURDAY)


async def test_camera_taken_down_can_be_placed_again_after_a_gap(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    await end_placement("cam-rot", FRIDAY, placed)
    await place_camera(Placement("cam-rot", "loc-dike", SATURDAY, None), placed)
    ports = ReadPorts(placed, publisher, KEY)

    assert await placement_history("cam-rot", placed) == [
        Placement("cam-rot", "loc-north", MONDAY, THURSDAY),
        Placement("cam-rot", "loc-south", THURSDAY, FRIDAY),
        Placement("cam-rot", "loc-dike", SATURDAY, None),
    ]
    with pytest.raises(CameraNotPlaced):
        await accept_read(a_read(observed_at=SATURDAY - timedelta(microseconds=1)), ports)
    assert (await accept_read(a_read(observed_at=SATURDAY), ports)).location_id == "loc-dike"


async def test_camera_taken_down_can_be_placed_again_at_the_moment_it_was_taken_down(
    placed: FakeIngestRepository,
) -> None:
    await end_placement("cam-rot", FRIDAY, placed)
    await place_camera(Placement("cam-rot", "loc-north", FRIDAY, None), placed)

    assert [p.location_id for p in await placed.placements_of("cam-rot")] == ["loc-north", "loc-south", "loc-north"]


async def test_placement_inside_a_closed_period_is_a_conflict(placed: FakeIngestRepository) -> None:
    await end_placement("cam-rot", SATURDAY, placed)

    with pytest.raises(Conflict, match="until 2026-03-07T12:00:00"):
        await place_camera(Placement("cam-rot", "loc-dike", FRIDAY, None), placed)

    assert (await placed.placements_of("cam-rot"))[-1] == Placement("cam-rot", "loc-south", THURSDAY, SATURDAY)


async def test_ending_without_an_open_placement_is_a_conflict(placed: FakeIngestRepository) -> None:
    with pytest.raises(Conflict, match="no open placement"):
        await end_placement("cam-idle", SATURDAY, placed)
    await end_placement("cam-rot", FRIDAY, placed)
    with pytest.raises(Conflict, match="no open placement"):
        await end_placement("cam-rot", SATURDAY, placed)


async def test_ending_at_or_before_the_start_is_a_conflict_and_changes_nothing(placed: FakeIngestRepository) -> None:
    before = await placed.placements_of("cam-rot")

    with pytest.raises(Conflict, match="began at"):
        await end_placement("cam-rot", THURSDAY, placed)
    with pytest.raises(Conflict, match="began at"):
        await end_placement("cam-rot", MONDAY, placed)

    assert await placed.placements_of("cam-rot") == before


async def test_placements_of_an_unknown_camera_are_not_found(placed: FakeIngestRepository) -> None:
    with pytest.raises(NotFound, match="cam-ghost"):
        await end_placement("cam-ghost", SATURDAY, placed)
    with pytest.raises(NotFound, match="cam-ghost"):
        await placement_history("cam-ghost", placed)
    assert await placement_history("cam-idle", placed) == []


# amend_location


async def test_location_regimes_sign_and_consent_can_change(placed: FakeIngestRepository) -> None:
    regimes = ("closed-road-dijkweg", "milieuzone-centrum")
    changes = {"regimes": regimes, "sign": "C6", "consent_reference": "OM-2"}

    amended = await amend_location("loc-dike", changes, placed)

    assert amended == replace(DIKE, regimes=regimes, sign="C6", consent_reference="OM-2")
    assert await placed.get_location("loc-dike") == amended


async def test_fields_left_out_stay_and_none_clears(placed: FakeIngestRepository) -> None:
    amended = await amend_location("loc-dike", {"sign": None}, placed)

    assert amended == replace(DIKE, sign=None)
    assert amended.consent_reference == DIKE.consent_reference


async def test_zone_direction_and_name_of_a_location_cannot_change(placed: FakeIngestRepository) -> None:
    with pytest.raises(PermanentError, match="direction, name, zone_id of a location cannot be changed"):
        await amend_location("loc-north", {"zone_id": "west", "direction": None, "name": "N", "sign": "C1"}, placed)

    assert await placed.get_location("loc-north") == NORTH


async def test_amending_an_unknown_location_is_not_found(placed: FakeIngestRepository) -> None:
    with pytest.raises(NotFound, match="loc-nowhere"):
        await amend_location("loc-nowhere", {"sign": "C1"}, placed)
