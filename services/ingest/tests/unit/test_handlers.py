import inspect
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from prometheus_client import REGISTRY

from anpr_contracts import Direction, FrameCaptured, PlateRecognized
from anpr_ingest.adapters.repository import IngestRepository
from anpr_ingest.domain.clock import ClockSkew
from anpr_ingest.domain.jpeg import FrameTooManyPixels, InvalidFrame
from anpr_ingest.domain.model import CameraNotPlaced
from anpr_ingest.handlers import AcceptFrame, ReadPorts, accept_frame, accept_read
from anpr_runtime import NotFound, PermanentError
from anpr_runtime.pseudonym import vehicle_key
from anpr_runtime.publisher import FakeEventPublisher

from .fakes import FakeIngestRepository
from .scenario import JPEG, KEY, LIMITS, MONDAY, SATURDAY, THURSDAY, a_frame, a_read


def frames(publisher: FakeEventPublisher) -> list[FrameCaptured]:
    return [event for _, _, event in publisher.published if isinstance(event, FrameCaptured)]


def rejected(camera_id: str, given: str) -> float:
    labels = {"camera": camera_id, "input": given, "reason": "no_placement"}
    return REGISTRY.get_sample_value("anpr_ingest_rejected_total", labels) or 0.0


def test_fake_repository_has_every_method_of_the_port() -> None:
    port = {name for name, _ in inspect.getmembers(IngestRepository, inspect.isfunction) if not name.startswith("_")}
    for name in port:
        fake_method = getattr(FakeIngestRepository, name)
        assert inspect.iscoroutinefunction(fake_method), name
        assert inspect.signature(fake_method).parameters.keys() == (
            inspect.signature(getattr(IngestRepository, name)).parameters.keys()
        ), name


# accept_frame


async def test_frame_is_stamped_with_the_location_the_camera_had_at_capture_time(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    # Both frames are sent on Saturday, after the move: capture time decides, not arrival time.
    assert await accept_frame(a_frame(MONDAY + timedelta(days=1), "f-tue"), placed, publisher, LIMITS, SATURDAY)
    assert await accept_frame(a_frame(THURSDAY + timedelta(hours=1), "f-thu"), placed, publisher, LIMITS, SATURDAY)

    assert [(e.frame_id, e.location_id) for e in frames(publisher)] == [("f-tue", "loc-north"), ("f-thu", "loc-south")]


async def test_frame_at_the_exact_moment_of_the_move_belongs_to_the_new_location(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    await accept_frame(a_frame(THURSDAY), placed, publisher, LIMITS, SATURDAY)
    await accept_frame(a_frame(THURSDAY - timedelta(microseconds=1), "f-2"), placed, publisher, LIMITS, SATURDAY)

    assert [e.location_id for e in frames(publisher)] == ["loc-south", "loc-north"]


async def test_frame_carries_the_zone_and_direction_of_its_location(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    await accept_frame(a_frame(MONDAY, "f-in"), placed, publisher, LIMITS, SATURDAY)
    await accept_frame(a_frame(THURSDAY, "f-out"), placed, publisher, LIMITS, SATURDAY)

    assert [(e.location_id, e.zone_id, e.direction) for e in frames(publisher)] == [
        ("loc-north", "centrum", Direction.ENTRY),
        ("loc-south", "centrum", Direction.EXIT),
    ]


async def test_frame_is_published_on_the_frames_topic_keyed_by_camera_with_its_image(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    captured = MONDAY + timedelta(hours=1)
    await accept_frame(a_frame(captured), placed, publisher, LIMITS, SATURDAY)

    [(topic, key, event)] = publisher.published
    assert topic == "anpr.frames.v1"
    assert key == "cam-rot"
    assert isinstance(event, FrameCaptured)
    assert event.image_jpeg == JPEG
    assert event.captured_at == captured
    assert event.correlation_id == "corr-1"
    assert event.camera_id == "cam-rot"


@pytest.mark.parametrize(
    ("camera_id", "captured_at"),
    [("cam-idle", MONDAY), ("cam-rot", MONDAY - timedelta(microseconds=1))],
    ids=["never-placed", "before-its-first-placement"],
)
async def test_frame_from_a_camera_standing_nowhere_is_refused_and_counted(
    placed: FakeIngestRepository, publisher: FakeEventPublisher, camera_id: str, captured_at: datetime
) -> None:
    before = rejected(camera_id, "frame")

    with pytest.raises(CameraNotPlaced, match=f"camera {camera_id} has no placement at") as caught:
        await accept_frame(a_frame(captured_at, camera_id=camera_id), placed, publisher, LIMITS, SATURDAY)

    assert caught.value.status_code == 422
    assert not caught.value.retriable
    assert publisher.published == []
    assert placed.frames_seen == {}  # a retry after the camera is placed is still accepted
    assert rejected(camera_id, "frame") == before + 1


async def test_refusal_names_the_capture_time_as_the_camera_sent_it(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    amsterdam = datetime(2026, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=1)))

    with pytest.raises(CameraNotPlaced) as caught:
        await accept_frame(a_frame(amsterdam, camera_id="cam-idle"), placed, publisher, LIMITS, SATURDAY)

    assert str(caught.value) == "camera cam-idle has no placement at 2026-03-01T10:00:00+01:00"


async def test_duplicate_frame_id_is_not_republished(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    frame = a_frame(MONDAY + timedelta(hours=1), "gateway-42")
    assert await accept_frame(frame, placed, publisher, LIMITS, SATURDAY) is True
    assert await accept_frame(frame, placed, publisher, LIMITS, SATURDAY + timedelta(seconds=5)) is False

    assert len(publisher.published) == 1


async def test_same_frame_id_from_another_camera_is_a_different_frame(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    await accept_frame(a_frame(MONDAY, "f-1", "cam-rot"), placed, publisher, LIMITS, SATURDAY)
    assert await accept_frame(a_frame(MONDAY, "f-1", "cam-fix"), placed, publisher, LIMITS, SATURDAY)

    assert [key for _, key, _ in publisher.published] == ["cam-rot", "cam-fix"]


async def test_frame_from_an_unknown_camera_is_not_found(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    with pytest.raises(NotFound, match="cam-ghost"):
        await accept_frame(a_frame(MONDAY, camera_id="cam-ghost"), placed, publisher, LIMITS, SATURDAY)

    assert publisher.published == []
    assert placed.frames_seen == {}


async def test_frame_that_is_no_jpeg_is_refused_before_anything_is_remembered(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    command = AcceptFrame("cam-rot", MONDAY, "f-png", b"\x89PNG\r\n\x1a\n....", "corr")
    with pytest.raises(InvalidFrame):
        await accept_frame(command, placed, publisher, LIMITS, SATURDAY)

    assert publisher.published == []
    assert placed.frames_seen == {}


async def test_frame_declaring_too_many_pixels_is_refused_413_before_anything_is_remembered(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    bomb = bytearray(JPEG)
    sof = bomb.index(b"\xff\xc0")
    bomb[sof + 5 : sof + 9] = (13000).to_bytes(2, "big") * 2  # height, width: 169 megapixels declared
    command = AcceptFrame("cam-rot", MONDAY, "f-bomb", bytes(bomb), "corr")
    limits = replace(LIMITS, max_pixels=5000 * 5000)
    with pytest.raises(FrameTooManyPixels, match="limit is 25000000 pixels") as refused:
        await accept_frame(command, placed, publisher, limits, SATURDAY)

    assert refused.value.status_code == 413
    assert publisher.published == []
    assert placed.frames_seen == {}


async def test_jpeg_is_checked_before_the_camera_so_a_bad_body_is_415_even_from_an_unknown_camera(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    command = AcceptFrame("cam-ghost", MONDAY, "f-gif", b"GIF89a...", "corr")
    with pytest.raises(InvalidFrame):
        await accept_frame(command, placed, publisher, LIMITS, SATURDAY)


async def test_frame_from_a_camera_clock_in_the_future_is_refused(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    with pytest.raises(ClockSkew):
        await accept_frame(a_frame(SATURDAY + timedelta(minutes=10)), placed, publisher, LIMITS, SATURDAY)

    assert publisher.published == []


# accept_read


async def test_read_gets_the_location_of_its_camera_and_is_keyed_by_pseudonym(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    read = a_read(observed_at=THURSDAY + timedelta(hours=3))

    stamped = await accept_read(read, ReadPorts(placed, publisher, KEY))

    assert (stamped.location_id, stamped.zone_id, stamped.direction) == ("loc-south", "centrum", Direction.EXIT)
    [(topic, key, event)] = publisher.published
    assert topic == "anpr.reads.v1"
    assert key == vehicle_key("72VGX6", KEY)
    assert "72VGX6" not in key
    assert event == stamped
    assert isinstance(event, PlateRecognized)
    assert event.read_id == read.read_id


async def test_reads_of_a_rotating_camera_follow_it_across_the_move(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    moments = [MONDAY, THURSDAY - timedelta(microseconds=1), THURSDAY, SATURDAY]

    stamped = [await accept_read(a_read(observed_at=at), ReadPorts(placed, publisher, KEY)) for at in moments]

    assert [(r.location_id, r.direction) for r in stamped] == [
        ("loc-north", Direction.ENTRY),
        ("loc-north", Direction.ENTRY),
        ("loc-south", Direction.EXIT),  # the moment of the move belongs to the new placement
        ("loc-south", Direction.EXIT),
    ]


async def test_placement_of_the_camera_wins_over_a_location_the_source_sent(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    stamped = await accept_read(a_read(location_id="loc-dike"), ReadPorts(placed, publisher, KEY))

    assert (stamped.location_id, stamped.zone_id, stamped.direction) == ("loc-north", "centrum", Direction.ENTRY)


async def test_read_without_camera_gets_the_zone_and_direction_of_its_location(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    at_south = await accept_read(a_read(camera_id=None, location_id="loc-south"), ReadPorts(placed, publisher, KEY))
    at_dike = await accept_read(a_read(camera_id=None, location_id="loc-dike"), ReadPorts(placed, publisher, KEY))

    assert (at_south.location_id, at_south.zone_id, at_south.direction) == ("loc-south", "centrum", Direction.EXIT)
    assert (at_dike.location_id, at_dike.zone_id, at_dike.direction) == ("loc-dike", None, None)
    assert len(publisher.published) == 2


async def test_zone_and_direction_a_source_sent_are_replaced_by_those_of_the_location(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    read = a_read(camera_id=None, location_id="loc-dike", zone_id="centrum", direction="entry")

    stamped = await accept_read(read, ReadPorts(placed, publisher, KEY))

    assert (stamped.zone_id, stamped.direction) == (None, None)


async def test_read_from_a_camera_standing_nowhere_is_refused_and_counted_even_with_a_location(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    before = rejected("cam-idle", "read")

    with pytest.raises(CameraNotPlaced, match="camera cam-idle has no placement at 2026-03-02T10:00:00"):
        await accept_read(a_read(camera_id="cam-idle"), ReadPorts(placed, publisher, KEY))
    with pytest.raises(CameraNotPlaced):
        await accept_read(a_read(camera_id="cam-idle", location_id="loc-north"), ReadPorts(placed, publisher, KEY))

    assert publisher.published == []
    assert rejected("cam-idle", "read") == before + 2


async def test_read_without_any_location_is_a_permanent_error(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    with pytest.raises(PermanentError, match="location"):
        await accept_read(a_read(camera_id=None, location_id=None), ReadPorts(placed, publisher, KEY))

    assert publisher.published == []


async def test_read_from_an_unknown_camera_is_not_found(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    with pytest.raises(NotFound, match="cam-ghost"):
        await accept_read(a_read(camera_id="cam-ghost", location_id="loc-north"), ReadPorts(placed, publisher, KEY))

    assert publisher.published == []


async def test_read_at_an_unknown_location_is_not_found(
    placed: FakeIngestRepository, publisher: FakeEventPublisher
) -> None:
    with pytest.raises(NotFound, match="loc-nowhere"):
        await accept_read(a_read(camera_id=None, location_id="loc-nowhere"), ReadPorts(placed, publisher, KEY))

    assert publisher.published == []
